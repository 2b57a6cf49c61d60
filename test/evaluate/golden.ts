/** The scikit-learn / scipy golden values of test/fixtures/evaluate/golden.json (see make-golden.py there). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/data';

export interface SklearnScores {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}
export interface GoldenCase {
  name: string;
  labels: string[];
  yTrue: number[];
  yPred: number[];
  byZeroDivision: Record<
    string,
    { report: Record<string, SklearnScores | number>; f1: { macro: number; weighted: number; micro: number } }
  >;
  balancedAccuracy: number;
  balancedAccuracyAdjusted: number | string;
  confusion: number[][];
  confusionNormalised: number[][];
}
export interface Golden {
  versions: Record<string, string>;
  cases: GoldenCase[];
  mcnemar: {
    onlyA: number;
    onlyB: number;
    exactStatistic: number;
    exactP: number;
    chi2?: { statistic: number; p: number };
    chi2NoCorrection?: { statistic: number; p: number };
  }[];
}

export function loadGolden(): Golden {
  return JSON.parse(
    fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'evaluate', 'golden.json'), 'utf8'),
  ) as Golden;
}
