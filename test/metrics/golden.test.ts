/**
 * lib/metrics against scikit-learn 1.2 with `labels=` the model's label set, on label arrays where a label is
 * absent from the truth, never predicted, or both (test/fixtures/metrics/make-golden.py): the summary that
 * `ser train` and `ser evaluate` print, the per-class scores and the per-speaker breakdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { breakdown } from '../../lib/evaluate/breakdown';
import { classificationReport, f1Score, perClassScores } from '../../lib/metrics/classification-report';
import { classificationMetrics } from '../../lib/metrics/summary';
import { repoRoot } from '../helpers/data';

interface Scores {
  accuracy: number;
  balancedAccuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  weightedF1: number;
  confusion: number[][];
  warnings: string[];
}
interface Case extends Scores {
  name: string;
  labels: string[];
  yTrue: number[];
  yPred: number[];
  groups?: string[];
  byGroup?: Record<string, Scores>;
}
const golden = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'metrics', 'golden.json'), 'utf8'),
) as { versions: { sklearn: string }; cases: Case[] };

/** Means may differ from numpy's pairwise sums in the last bits; ratios are exact. */
const TOL = 1e-14;
function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: ${actual} vs scikit-learn ${expected}`);
}

test(`the fixture has a label absent from the truth, one never predicted and one in neither (scikit-learn ${golden.versions.sklearn})`, () => {
  const all = golden.cases.flatMap((c) => c.warnings);
  assert.ok(golden.versions.sklearn.startsWith('1.2.'));
  assert.ok(all.includes('Recall is ill-defined and being set to 0'));
  assert.ok(all.includes('Precision is ill-defined and being set to 0'));
  assert.ok(all.includes('F-score is ill-defined and being set to 0'));
  assert.ok(all.includes('y_pred contains classes not in y_true'));
});

test('classificationMetrics equals accuracy_score, balanced_accuracy_score, f1_score and recall_score with labels=', () => {
  for (const c of golden.cases) {
    const m = classificationMetrics(c.yTrue, c.yPred, c.labels);
    close(m.accuracy, c.accuracy, `${c.name}: accuracy`);
    close(m.uar, c.balancedAccuracy, `${c.name}: UAR`);
    close(m.macroF1, c.macroF1, `${c.name}: macro F1`);
    assert.deepEqual(m.confusion, c.confusion, `${c.name}: confusion`);
    c.labels.forEach((label, i) => close(m.recall[label], c.recall[i], `${c.name}: recall of ${label}`));
    assert.equal(m.n, c.yTrue.length);
  }
});

test('UAR leaves out a label absent from the truth, while macro recall counts it as 0', () => {
  for (const c of golden.cases) {
    const report = classificationReport(c.yTrue, c.yPred, c.labels);
    close(report.macroAvg.recall, c.macroRecall, `${c.name}: macro recall`);
    close(report.macroAvg.precision, c.macroPrecision, `${c.name}: macro precision`);
    const absent = c.labels.some((_, i) => !c.yTrue.includes(i));
    const uar = classificationMetrics(c.yTrue, c.yPred, c.labels).uar;
    if (absent) assert.ok(uar > report.macroAvg.recall, `${c.name}: UAR ${uar} above macro recall`);
    else close(uar, report.macroAvg.recall, `${c.name}: UAR = macro recall`);
  }
});

test('per-class precision, recall and F1 and the weighted F1 equal scikit-learn with labels=', () => {
  for (const c of golden.cases) {
    perClassScores(c.yTrue, c.yPred, c.labels.length).forEach((s, i) => {
      close(s.precision, c.precision[i], `${c.name}: precision of ${c.labels[i]}`);
      close(s.recall, c.recall[i], `${c.name}: recall of ${c.labels[i]}`);
      close(s.f1, c.f1[i], `${c.name}: F1 of ${c.labels[i]}`);
    });
    close(
      f1Score(c.yTrue, c.yPred, c.labels.length, { average: 'weighted' }),
      c.weightedF1,
      `${c.name}: weighted F1`,
    );
  }
});

test('the per-speaker breakdown scores each speaker with the same definitions over all the model labels', () => {
  const cases = golden.cases.filter((c) => c.groups !== undefined);
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const groups = c.groups as string[];
    const records = groups.map((speaker) => ({ corpus: 'c', speaker, gender: 'female' as const }));
    const rows = breakdown(records, c.yTrue, c.yPred, c.labels.length, 'speaker');
    assert.deepEqual(
      rows.map((r) => r.group),
      Object.keys(c.byGroup ?? {}).map((g) => `c/${g}`),
    );
    for (const r of rows) {
      const expected = (c.byGroup as Record<string, Scores>)[r.group.slice(2)];
      close(r.accuracy, expected.accuracy, `${r.group}: accuracy`);
      close(r.uar, expected.balancedAccuracy, `${r.group}: UAR`);
      close(r.macroF1, expected.macroF1, `${r.group}: macro F1`);
    }
  }
});
