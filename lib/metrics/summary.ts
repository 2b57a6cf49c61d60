/**
 * Classification metrics from true and predicted class indices. Definitions follow scikit-learn:
 * accuracy; confusion[i][j] = clips of true class i predicted as j; recall per class; UAR (unweighted
 * average recall, scikit-learn's balanced_accuracy) over classes that occur in the truth.
 */
import { confusionMatrix } from './classification-report';

export interface ClassificationMetrics {
  accuracy: number;
  /** Unweighted average recall over classes present in the truth (balanced accuracy). */
  uar: number;
  n: number;
  labels: string[];
  confusion: number[][];
  /** Recall per label (NaN where the label does not occur in the truth). */
  recall: Record<string, number>;
}

/** Accuracy, UAR, confusion matrix and per-class recall in one pass (the summary `ser evaluate` started with). */
export function classificationMetrics(
  yTrue: number[],
  yPred: number[],
  labels: string[],
): ClassificationMetrics {
  const confusion = confusionMatrix(yTrue, yPred, labels.length);
  let correct = 0;
  confusion.forEach((row, i) => (correct += row[i]));
  const recall: Record<string, number> = {};
  const present: number[] = [];
  labels.forEach((label, i) => {
    const support = confusion[i].reduce((a, b) => a + b, 0);
    recall[label] = support > 0 ? confusion[i][i] / support : Number.NaN;
    if (support > 0) present.push(recall[label]);
  });
  return {
    accuracy: yTrue.length > 0 ? correct / yTrue.length : Number.NaN,
    uar: present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : Number.NaN,
    n: yTrue.length,
    labels,
    confusion,
    recall,
  };
}

/** Index of the largest value (first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
