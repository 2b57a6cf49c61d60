/**
 * Helpers of the evaluation notebook (06): a zoo model under other protocols (random split, cross-corpus),
 * speaker-level bootstrap intervals, scikit-learn's classification report as table rows, and the mistakes a
 * model was most sure of.
 */
import type { ManifestRow } from '../data/manifest';
import { speakerKey } from '../data/split';
import { bootstrapInterval, type BootstrapInterval, type BootstrapOptions } from '../evaluate/bootstrap';
import {
  buildEvaluationReport,
  formatWithInterval,
  metricFunction,
  METRIC_LABELS,
  METRIC_NAMES,
  protocolFromSplit,
  type ClipPrediction,
  type EvaluationReport,
  type MetricName,
} from '../evaluate/evaluation-report';
import type { SplitName } from '../train/dataset';
import { trainModel } from '../train/train-model';
import type { TableRow } from '../viz/html';
import type { ZooModelRequest } from './zoo-model';

/**
 * Train `request.model` as the request says but under another protocol, `split` (fold 0; for `cross`, the
 * last of `corpora` is the test corpus), and evaluate it on that protocol's test clips. Nothing is saved.
 */
export async function evaluateOnProtocol(
  request: ZooModelRequest,
  split: SplitName,
  options: { root: string; corpora?: string[]; bootstrap?: BootstrapOptions },
): Promise<{ report: EvaluationReport; clips: ManifestRow[] }> {
  const result = await trainModel({
    model: request.model,
    corpora: options.corpora ?? request.corpora,
    root: options.root,
    split,
    fold: 0,
    limitPerClass: request.limitPerClass ?? undefined,
    seed: request.seed,
    normalisation: request.normalisation,
    training: request.training,
    progress: false,
  });
  const fold = result.split.folds[0];
  const clips = result.testRecords;
  const report = buildEvaluationReport(
    {
      protocol: protocolFromSplit(
        result.split,
        fold,
        clips.map((c) => c.corpus),
      ),
      labels: result.labels,
      yTrue: result.yTrue,
      // The Pipeline's probabilities, the numbers `ser predict` prints.
      probabilities: result.probabilities,
      clips,
      model: request.model,
    },
    { bootstrap: options.bootstrap },
  );
  return { report, clips };
}

/** True and predicted class indices of a report's per-clip predictions. */
function predictionIndices(report: EvaluationReport): { yTrue: number[]; yPred: number[] } {
  const predictions = report.predictions;
  if (!predictions) throw new Error('the report has no per-clip predictions');
  const index = (label: string) => report.labels.indexOf(label);
  return {
    yTrue: predictions.map((p) => index(p.trueLabel)),
    yPred: predictions.map((p) => index(p.predicted)),
  };
}

/**
 * Bootstrap intervals of the headline metrics resampling whole test speakers (`clips[i]` is the clip of
 * prediction i), or null with fewer than 2 test speakers (nothing to resample).
 */
export function speakerIntervals(
  report: EvaluationReport,
  clips: readonly Pick<ManifestRow, 'corpus' | 'speaker'>[],
  options: BootstrapOptions = {},
): Record<MetricName, BootstrapInterval> | null {
  const groups = clips.map(speakerKey);
  if (new Set(groups).size < 2) return null;
  const { yTrue, yPred } = predictionIndices(report);
  const k = report.labels.length;
  return Object.fromEntries(
    METRIC_NAMES.map((m) => [
      m,
      bootstrapInterval(yTrue, yPred, metricFunction(m, k), { ...options, groups }),
    ]),
  ) as Record<MetricName, BootstrapInterval>;
}

/** Headline metrics as table rows: value, clip-level interval and (when given) speaker-level interval. */
export function headlineRows(
  report: EvaluationReport,
  bySpeaker: Record<MetricName, BootstrapInterval> | null = null,
): TableRow[] {
  const confidence = Math.round(100 * report.intervals.accuracy.confidence);
  return METRIC_NAMES.map((m) => ({
    metric: METRIC_LABELS[m],
    [`value [${confidence} % interval, clips resampled]`]: formatWithInterval(
      report.metrics[m],
      report.intervals[m],
    ),
    [`value [${confidence} % interval, speakers resampled]`]: bySpeaker
      ? formatWithInterval(report.metrics[m], bySpeaker[m])
      : 'n/a (one test speaker)',
  }));
}

/** scikit-learn's `classification_report` as table rows: one per class, then accuracy, macro and weighted averages. */
export function classificationReportRows(report: EvaluationReport): TableRow[] {
  const r = report.report;
  const round = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(3)) : 'n/a');
  const row = (name: string, s: { precision: number; recall: number; f1: number; support: number }) => ({
    '': name,
    precision: round(s.precision),
    recall: round(s.recall),
    'f1-score': round(s.f1),
    support: s.support,
  });
  return [
    ...r.labels.map((l) => row(l, r.perClass[l])),
    { '': 'accuracy', precision: '', recall: '', 'f1-score': round(r.accuracy), support: report.n },
    row('macro avg', r.macroAvg),
    row('weighted avg', r.weightedAvg),
  ];
}

/**
 * Up to `n` wrong predictions the model was most confident about, most confident first, at most one per
 * confusion (true → predicted emotion) so that the examples cover different mistakes.
 */
export function confidentMistakes(
  report: EvaluationReport,
  n: number,
): (ClipPrediction & { index: number })[] {
  const seen = new Set<string>();
  return (report.predictions ?? [])
    .map((p, index) => ({ ...p, index }))
    .filter((p) => p.predicted !== p.trueLabel)
    .sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
    .filter((p) => {
      const confusion = `${p.trueLabel}→${p.predicted}`;
      if (seen.has(confusion)) return false;
      seen.add(confusion);
      return true;
    })
    .slice(0, n);
}
