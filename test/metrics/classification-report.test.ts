/**
 * scikit-learn golden tests: classification_report, f1_score, balanced_accuracy_score and confusion_matrix
 * on random and edge cases, both zero_division settings (test/fixtures/evaluate/make-golden.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  balancedAccuracy,
  classificationReport,
  confusionMatrix,
  f1Score,
  rowNormalise,
  type ClassScores,
  type ZeroDivision,
} from '../../lib/metrics/classification-report';
import { classificationMetrics } from '../../lib/metrics/summary';
import { loadGolden, type SklearnScores } from '../evaluate/golden';

/** Averages may differ from numpy's pairwise sums in the last bits; per-class ratios are exact. */
const TOL = 1e-14;
function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: ${actual} vs scikit-learn ${expected}`);
}
function sameScores(actual: ClassScores, expected: SklearnScores, what: string): void {
  close(actual.precision, expected.precision, `${what} precision`);
  close(actual.recall, expected.recall, `${what} recall`);
  close(actual.f1, expected['f1-score'], `${what} f1`);
  assert.equal(actual.support, expected.support, `${what} support`);
}

const golden = loadGolden();

test(`classificationReport equals scikit-learn ${golden.versions.sklearn}'s classification_report`, () => {
  for (const c of golden.cases) {
    for (const zd of [0, 1] as ZeroDivision[]) {
      const expected = c.byZeroDivision[String(zd)].report;
      const r = classificationReport(c.yTrue, c.yPred, c.labels, { zeroDivision: zd });
      const what = `${c.name}, zero_division=${zd}`;
      for (const label of c.labels)
        sameScores(r.perClass[label], expected[label] as SklearnScores, `${what} ${label}`);
      sameScores(r.macroAvg, expected['macro avg'] as SklearnScores, `${what} macro avg`);
      sameScores(r.weightedAvg, expected['weighted avg'] as SklearnScores, `${what} weighted avg`);
      // scikit-learn shows "micro avg" instead of "accuracy" when a label is absent from truth and predictions.
      const accuracy = expected.accuracy ?? (expected['micro avg'] as SklearnScores)['f1-score'];
      close(r.accuracy, accuracy as number, `${what} accuracy`);
      assert.deepEqual(Object.keys(r.perClass), c.labels, 'per-class entries in label order');
    }
  }
});

test('f1Score (macro, weighted, micro) equals scikit-learn f1_score with labels given', () => {
  for (const c of golden.cases) {
    for (const zd of [0, 1] as ZeroDivision[]) {
      const expected = c.byZeroDivision[String(zd)].f1;
      for (const average of ['macro', 'weighted', 'micro'] as const) {
        const f1 = f1Score(c.yTrue, c.yPred, c.labels.length, { average, zeroDivision: zd });
        close(f1, expected[average], `${c.name} ${average} zero_division=${zd}`);
      }
    }
    // Default: macro with zero_division 0.
    close(f1Score(c.yTrue, c.yPred, c.labels.length), c.byZeroDivision['0'].f1.macro, `${c.name} default`);
  }
});

test('balancedAccuracy (plain and adjusted) and the UAR of classificationMetrics equal scikit-learn', () => {
  for (const c of golden.cases) {
    close(balancedAccuracy(c.yTrue, c.yPred), c.balancedAccuracy, c.name);
    close(classificationMetrics(c.yTrue, c.yPred, c.labels).uar, c.balancedAccuracy, `${c.name} uar`);
    const adjusted = Number(c.balancedAccuracyAdjusted);
    const mine = balancedAccuracy(c.yTrue, c.yPred, { adjusted: true });
    if (Number.isFinite(adjusted)) close(mine, adjusted, `${c.name} adjusted`);
    else assert.equal(mine, adjusted, `${c.name} adjusted (one class in the truth)`);
  }
});

test('confusionMatrix and its row normalisation equal confusion_matrix(normalize="true")', () => {
  for (const c of golden.cases) {
    const counts = confusionMatrix(c.yTrue, c.yPred, c.labels.length);
    assert.deepEqual(counts, c.confusion, c.name);
    rowNormalise(counts).forEach((row, i) =>
      row.forEach((v, j) => close(v, c.confusionNormalised[i][j], `${c.name} [${i}][${j}]`)),
    );
  }
});

test('bad input: lengths differ or a class index outside the labels', () => {
  assert.throws(() => classificationReport([0, 1], [0], ['a', 'b']), /2 entries.*1/);
  assert.throws(() => classificationReport([0, 2], [0, 1], ['a', 'b']), /class index 2/);
  assert.throws(() => f1Score([0, 1.5], [0, 1], 2), /class index 1.5/);
});
