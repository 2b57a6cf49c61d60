/**
 * scikit-learn's classification metrics on class indices: the confusion matrix, per-class precision, recall,
 * F1 and support (`precision_recall_fscore_support`), their macro / weighted / micro averages, balanced
 * accuracy and `classification_report`. Arithmetic follows scikit-learn 1.2 operation for operation, so the
 * values agree with it to rounding of the averages (golden tests: test/fixtures/evaluate/make-golden.py).
 *
 * Classes are indices into a `labels` array (as everywhere in lib/evaluate); every label counts, including
 * labels absent from both the truth and the predictions (scikit-learn with `labels=` given).
 */

/**
 * What a ratio with a zero denominator becomes: precision of a class never predicted, recall of a class
 * absent from the truth. scikit-learn's default `"warn"` behaves as 0 (and warns); here 0 is the default.
 */
export type ZeroDivision = 0 | 1;

/** Precision, recall, F1 and support of one class, or an average of them. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Clips of the class in the truth (for averages: all clips). */
  support: number;
}

/** scikit-learn's `classification_report(..., output_dict=True)`, keyed by label name. */
export interface ClassificationReport {
  labels: string[];
  /** One entry per label, in `labels` order. */
  perClass: Record<string, ClassScores>;
  /** Share of clips predicted correctly (scikit-learn's "accuracy" row; equals micro-averaged F1). */
  accuracy: number;
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
  zeroDivision: ZeroDivision;
}

/** Averages scikit-learn offers for multiclass scores. */
export type Average = 'macro' | 'weighted' | 'micro';

export interface ZeroDivisionOption {
  /** Value of ill-defined ratios. Default 0 (scikit-learn's "warn" without the warning). */
  zeroDivision?: ZeroDivision;
}

function checkPredictions(yTrue: readonly number[], yPred: readonly number[], nClasses: number): void {
  if (yTrue.length !== yPred.length) {
    throw new Error(`yTrue has ${yTrue.length} entries but yPred has ${yPred.length}`);
  }
  const valid = (c: number) => Number.isInteger(c) && c >= 0 && c < nClasses;
  for (let i = 0; i < yTrue.length; i++) {
    const bad = !valid(yTrue[i]) ? yTrue[i] : !valid(yPred[i]) ? yPred[i] : undefined;
    if (bad !== undefined) throw new Error(`class index ${bad} is not one of the ${nClasses} labels`);
  }
}

/**
 * Confusion matrix: `counts[i][j]` = clips of true class i predicted as j (scikit-learn's
 * `confusion_matrix(y_true, y_pred, labels=range(nClasses))`).
 */
export function confusionMatrix(
  yTrue: readonly number[],
  yPred: readonly number[],
  nClasses: number,
): number[][] {
  checkPredictions(yTrue, yPred, nClasses);
  const counts = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i]][yPred[i]]++;
  return counts;
}

/**
 * Accuracy of a confusion matrix: the diagonal over the total, i.e. {@link accuracyScore} of the clips it
 * counts (NaN when it counts none).
 */
export function confusionAccuracy(confusion: number[][]): number {
  let correct = 0;
  let total = 0;
  confusion.forEach((row, i) =>
    row.forEach((count, j) => {
      total += count;
      if (i === j) correct += count;
    }),
  );
  return total === 0 ? Number.NaN : correct / total;
}

/**
 * Each row divided by its sum: the share of each true class predicted as each class (scikit-learn's
 * `confusion_matrix(..., normalize='true')`, whose rows with no clips stay all zero).
 */
export function rowNormalise(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (sum === 0 ? 0 : count / sum));
  });
}

/** Per-class sufficient statistics from a confusion matrix: true positives, predicted and true counts. */
function classCounts(counts: number[][]): { tp: number[]; predicted: number[]; actual: number[] } {
  const k = counts.length;
  const tp = counts.map((row, i) => row[i]);
  const actual = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = Array.from({ length: k }, (_, j) => counts.reduce((s, row) => s + row[j], 0));
  return { tp, predicted, actual };
}

/** scikit-learn's `_prf_divide`: num/den, with `zeroDivision` where den is 0. */
const divide = (num: number, den: number, zeroDivision: ZeroDivision): number =>
  den === 0 ? zeroDivision : num / den;

/** F1 as scikit-learn 1.2 computes it from precision and recall (0 where both are 0). */
function f1From(precision: number, recall: number): number {
  const denom = precision + recall;
  return (2 * precision * recall) / (denom === 0 ? 1 : denom);
}

/** Per-class precision, recall, F1 and support (scikit-learn's `precision_recall_fscore_support`, average=None). */
export function perClassScores(
  yTrue: readonly number[],
  yPred: readonly number[],
  nClasses: number,
  options: ZeroDivisionOption = {},
): ClassScores[] {
  const zeroDivision = options.zeroDivision ?? 0;
  const { tp, predicted, actual } = classCounts(confusionMatrix(yTrue, yPred, nClasses));
  return tp.map((t, i) => {
    const precision = divide(t, predicted[i], zeroDivision);
    const recall = divide(t, actual[i], zeroDivision);
    return { precision, recall, f1: f1From(precision, recall), support: actual[i] };
  });
}

/** numpy's `average(values, weights)`: Σ v·w / Σ w (plain mean without weights). */
function average(values: number[], weights?: number[]): number {
  if (weights === undefined) return values.reduce((a, b) => a + b, 0) / values.length;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    num += v * weights[i];
    den += weights[i];
  });
  return num / den;
}

/** Averages of per-class scores (scikit-learn's `precision_recall_fscore_support` with `average`). */
function averageScores(
  scores: ClassScores[],
  yTrue: readonly number[],
  yPred: readonly number[],
  how: Average,
  zeroDivision: ZeroDivision,
): ClassScores {
  const n = yTrue.length;
  if (how === 'micro') {
    // Every clip's true and predicted class is one of the labels, so Σtp / Σpredicted = Σtp / Σtrue.
    let correct = 0;
    for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) correct++;
    const precision = divide(correct, n, zeroDivision);
    const recall = divide(correct, n, zeroDivision);
    return { precision, recall, f1: f1From(precision, recall), support: n };
  }
  const pick = (key: 'precision' | 'recall' | 'f1') => scores.map((s) => s[key]);
  if (how === 'weighted') {
    // No clips at all: scikit-learn's special case (no truth and no predictions).
    if (n === 0) return { precision: zeroDivision, recall: zeroDivision, f1: zeroDivision, support: 0 };
    const weights = scores.map((s) => s.support);
    return {
      precision: average(pick('precision'), weights),
      recall: average(pick('recall'), weights),
      f1: average(pick('f1'), weights),
      support: n,
    };
  }
  return {
    precision: average(pick('precision')),
    recall: average(pick('recall')),
    f1: average(pick('f1')),
    support: n,
  };
}

export interface F1Options extends ZeroDivisionOption {
  /** Default 'macro' (scikit-learn's default 'binary' does not apply to several classes). */
  average?: Average;
}

/** F1 score averaged over the classes `0 … nClasses-1` (scikit-learn's `f1_score(..., labels=range(nClasses))`). */
export function f1Score(
  yTrue: readonly number[],
  yPred: readonly number[],
  nClasses: number,
  options: F1Options = {},
): number {
  const zeroDivision = options.zeroDivision ?? 0;
  const scores = perClassScores(yTrue, yPred, nClasses, { zeroDivision });
  return averageScores(scores, yTrue, yPred, options.average ?? 'macro', zeroDivision).f1;
}

/** Share of clips predicted correctly (scikit-learn's `accuracy_score`); NaN without clips. */
export function accuracyScore(yTrue: readonly number[], yPred: readonly number[]): number {
  if (yTrue.length !== yPred.length)
    throw new Error(`yTrue has ${yTrue.length} entries but yPred has ${yPred.length}`);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return yTrue.length === 0 ? Number.NaN : correct / yTrue.length;
}

/**
 * Balanced accuracy = UAR, the mean recall over the classes present in the truth (scikit-learn's
 * `balanced_accuracy_score`; classes only predicted are ignored, as there). With `adjusted` (default false)
 * chance scores 0 and perfect 1. NaN without clips.
 */
export function balancedAccuracy(
  yTrue: readonly number[],
  yPred: readonly number[],
  options: { adjusted?: boolean } = {},
): number {
  // Loop rather than Math.max(...spread): spreading 100 000s of arguments overflows the stack.
  let nClasses = 0;
  for (let i = 0; i < yTrue.length; i++) nClasses = Math.max(nClasses, yTrue[i] + 1, yPred[i] + 1);
  const { tp, actual } = classCounts(confusionMatrix(yTrue, yPred, nClasses));
  const present: number[] = [];
  tp.forEach((t, i) => {
    if (actual[i] > 0) present.push(t / actual[i]);
  });
  if (present.length === 0) return Number.NaN;
  let score = average(present);
  if (options.adjusted) {
    const chance = 1 / present.length;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

/**
 * scikit-learn's `classification_report(y_true, y_pred, labels=range(k), target_names=labels,
 * output_dict=True, zero_division=zeroDivision)`: per-class precision, recall, F1 and support, accuracy, and
 * macro and support-weighted averages. (scikit-learn prints "micro avg" instead of "accuracy" when a label is
 * absent from both truth and predictions; with every clip's class among the labels the two are equal.)
 */
export function classificationReport(
  yTrue: readonly number[],
  yPred: readonly number[],
  labels: readonly string[],
  options: ZeroDivisionOption = {},
): ClassificationReport {
  const zeroDivision = options.zeroDivision ?? 0;
  const scores = perClassScores(yTrue, yPred, labels.length, { zeroDivision });
  return {
    labels: [...labels],
    perClass: Object.fromEntries(labels.map((label, i) => [label, scores[i]])),
    accuracy: accuracyScore(yTrue, yPred),
    macroAvg: averageScores(scores, yTrue, yPred, 'macro', zeroDivision),
    weightedAvg: averageScores(scores, yTrue, yPred, 'weighted', zeroDivision),
    zeroDivision,
  };
}
