/**
 * The summary `ser train` and `ser evaluate` print: accuracy, UAR, macro F1, the confusion matrix and recall
 * per class, each computed by this folder's scikit-learn 1.2 definitions with `labels=` the model's label set.
 */
import {
  accuracyScore,
  balancedAccuracy,
  confusionMatrix,
  f1Score,
  perClassScores,
} from './classification-report';

export interface ClassificationMetrics {
  accuracy: number;
  /**
   * Unweighted average recall = scikit-learn's `balanced_accuracy_score`: the mean recall over the labels
   * that occur in the truth. A label with no clip in the truth is left out (not counted as 0), so UAR equals
   * `recall_score(average='macro', labels=…)` only when every label occurs in the truth.
   */
  uar: number;
  /**
   * `f1_score(average='macro', labels=…)` over all `labels`, scikit-learn's default zero_division: a label
   * never predicted has precision 0, one absent from the truth recall 0, and each counts in the mean.
   */
  macroF1: number;
  n: number;
  labels: string[];
  confusion: number[][];
  /** `recall_score(average=None, labels=…)`: 0 where the label has no clip in the truth. */
  recall: Record<string, number>;
}

/** Accuracy, UAR, macro F1, confusion matrix and per-class recall of class indices into `labels`. */
export function classificationMetrics(
  yTrue: number[],
  yPred: number[],
  labels: string[],
): ClassificationMetrics {
  const scores = perClassScores(yTrue, yPred, labels.length);
  return {
    accuracy: accuracyScore(yTrue, yPred),
    uar: balancedAccuracy(yTrue, yPred),
    macroF1: f1Score(yTrue, yPred, labels.length, { average: 'macro' }),
    n: yTrue.length,
    labels,
    confusion: confusionMatrix(yTrue, yPred, labels.length),
    recall: Object.fromEntries(labels.map((label, i) => [label, scores[i].recall])),
  };
}

/** Index of the largest value (first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
