import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionAccuracy } from '../../lib/metrics/classification-report';
import { classificationMetrics, argmax } from '../../lib/metrics/summary';

test('classificationMetrics gives the confusion matrix, accuracy, recall and UAR by their definitions', () => {
  const labels = ['a', 'b', 'c'];
  const yTrue = [0, 0, 0, 0, 1, 1, 2];
  const yPred = [0, 0, 0, 1, 1, 2, 2];
  const m = classificationMetrics(yTrue, yPred, labels);
  assert.deepEqual(m.confusion, [
    [3, 1, 0],
    [0, 1, 1],
    [0, 0, 1],
  ]);
  assert.equal(m.n, 7);
  assert.equal(m.accuracy, 5 / 7);
  assert.deepEqual(m.recall, { a: 3 / 4, b: 1 / 2, c: 1 });
  assert.ok(Math.abs(m.uar - (3 / 4 + 1 / 2 + 1) / 3) < 1e-12);
  // A class absent from the truth has recall 0 (scikit-learn's zero_division) and does not count in UAR.
  const m2 = classificationMetrics([0, 0], [0, 1], ['x', 'y']);
  assert.equal(m2.recall.y, 0);
  assert.equal(m2.uar, 0.5);
  assert.equal(argmax([0.1, 0.7, 0.7, 0.2]), 1);
});

test('confusionAccuracy is the diagonal over the total, the accuracy of the clips the matrix counts', () => {
  const yTrue = [0, 0, 0, 0, 1, 1, 2];
  const yPred = [0, 0, 0, 1, 1, 2, 2];
  const m = classificationMetrics(yTrue, yPred, ['a', 'b', 'c']);
  assert.equal(confusionAccuracy(m.confusion), m.accuracy);
  assert.equal(confusionAccuracy(m.confusion), 5 / 7);
  // No clips: undefined, as accuracyScore of nothing.
  assert.ok(
    Number.isNaN(
      confusionAccuracy([
        [0, 0],
        [0, 0],
      ]),
    ),
  );
});
