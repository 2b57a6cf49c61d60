/**
 * Metrics per group of test clips (speaker, corpus, gender): where a model fails, and whether a headline
 * number hides one speaker it cannot handle.
 */
import type { ClipRecord } from '../data/types';
import { speakerKey } from '../data/split';
import { accuracyScore, balancedAccuracy, f1Score } from '../metrics/classification-report';

export type BreakdownKey = 'speaker' | 'corpus' | 'gender';

/** What a breakdown needs to know about each clip. */
export type BreakdownRecord = Pick<ClipRecord, 'corpus' | 'speaker' | 'gender'>;

export interface GroupMetrics {
  /** The group: `corpus/speaker` for speakers (unique across corpora), else the corpus or gender. */
  group: string;
  n: number;
  accuracy: number;
  /** Balanced accuracy over the classes present in the group's truth (lib/metrics' `uar`). */
  uar: number;
  /** Macro F1 over all the model's labels (lib/metrics' `macroF1`, scikit-learn's `labels=` all of them). */
  macroF1: number;
}

const groupOf: Record<BreakdownKey, (r: BreakdownRecord) => string> = {
  speaker: speakerKey,
  corpus: (r) => r.corpus,
  gender: (r) => r.gender,
};

/**
 * Accuracy, UAR and macro F1 of each group of clips, groups sorted by name. `records[i]` describes the clip
 * of `yTrue[i]` and `yPred[i]` (class indices into the `nClasses` labels).
 */
export function breakdown(
  records: readonly BreakdownRecord[],
  yTrue: readonly number[],
  yPred: readonly number[],
  nClasses: number,
  by: BreakdownKey,
): GroupMetrics[] {
  if (records.length !== yTrue.length || yTrue.length !== yPred.length) {
    throw new Error(
      `breakdown: ${records.length} records, ${yTrue.length} true and ${yPred.length} predicted classes`,
    );
  }
  const members = new Map<string, number[]>();
  records.forEach((r, i) => {
    const g = groupOf[by](r);
    const m = members.get(g);
    if (m) m.push(i);
    else members.set(g, [i]);
  });
  return [...members.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([group, idx]) => {
      const t = idx.map((i) => yTrue[i]);
      const p = idx.map((i) => yPred[i]);
      return {
        group,
        n: idx.length,
        accuracy: accuracyScore(t, p),
        uar: balancedAccuracy(t, p),
        macroF1: f1Score(t, p, nClasses, { average: 'macro' }),
      };
    });
}
