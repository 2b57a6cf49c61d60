/**
 * The evaluation of one model on one test set as a serialisable record: protocol, headline metrics with
 * bootstrap intervals, scikit-learn's classification report, confusion matrix (counts and row-normalised),
 * per-speaker / per-corpus / per-gender breakdowns and, optionally, every clip's prediction. The protocol goes
 * with every number: a speaker-independent accuracy and a random-split accuracy are different quantities.
 */
import {
  speakerKey,
  splitName,
  type Fold,
  type SpeakerSplitSpec,
  type Split,
  type SplitName,
} from '../data/split';
import {
  bootstrapInterval,
  type BootstrapInterval,
  type BootstrapOptions,
  type MetricFunction,
} from './bootstrap';
import { breakdown, type BreakdownKey, type BreakdownRecord, type GroupMetrics } from './breakdown';
import {
  accuracyScore,
  balancedAccuracy,
  classificationReport,
  confusionMatrix,
  f1Score,
  rowNormalise,
  type ClassificationReport,
  type ZeroDivision,
} from '../metrics/classification-report';
import { argmax } from '../metrics/summary';

/**
 * How the test clips relate to the training clips: the split protocol's name (lib/data/split). `random`: clips
 * drawn at random, speakers on both sides (optimistic); `speaker`: held-out speakers (one split or k folds
 * grouped by speaker); `loso`: leave-one-speaker-out; `cross`: trained on other corpora.
 */
export type ProtocolKind = SplitName;

export interface EvaluationProtocol {
  kind: ProtocolKind;
  /** Corpora of the test clips. */
  corpora: string[];
  /** Corpora of the training clips, where they differ from the test corpora (cross-corpus). */
  trainCorpora?: string[];
  /** Which split or fold, e.g. "train OAF → test YAF", "fold 2/5", "test ravdess/03". */
  detail?: string;
}

const PROTOCOL_NAMES: Record<ProtocolKind, string> = {
  random: 'random split (speakers shared, optimistic)',
  speaker: 'speaker-independent',
  loso: 'leave-one-speaker-out',
  cross: 'cross-corpus',
};

/**
 * The protocol in one line for tables and figure titles, e.g. "speaker-independent (tess: train OAF → test
 * YAF)", "cross-corpus (train tess → test ravdess)".
 */
export function describeProtocol(protocol: EvaluationProtocol): string {
  const name = PROTOCOL_NAMES[protocol.kind];
  const corpora = protocol.corpora.join('+');
  if (protocol.kind === 'cross' && protocol.trainCorpora) {
    const where = `train ${protocol.trainCorpora.join('+')} → test ${corpora}`;
    return `${name} (${where}${protocol.detail ? `, ${protocol.detail}` : ''})`;
  }
  return `${name} (${corpora}${protocol.detail ? `: ${protocol.detail}` : ''})`;
}

/** The protocol of a held-out-speaker split spec (its description equals `describeSplit`). */
export function protocolFromSpeakerSplit(spec: SpeakerSplitSpec): EvaluationProtocol {
  return {
    kind: 'speaker',
    corpora: [spec.corpus],
    detail: `train ${spec.trainSpeakers.join('+')} → test ${spec.testSpeakers.join('+')}`,
  };
}

/**
 * The protocol of one fold of a manifest split (lib/data/split). `testCorpora` are the corpora of the fold's
 * test rows (the split itself does not list them for random and k-fold splits).
 */
export function protocolFromSplit(split: Split, fold: Fold, testCorpora: string[]): EvaluationProtocol {
  const kind = splitName(split.protocol);
  if (kind === 'cross') {
    const train = split.params.train;
    return {
      kind,
      corpora: [String(split.params.test)],
      trainCorpora: Array.isArray(train) ? train : [String(train)],
    };
  }
  return { kind, corpora: [...new Set(testCorpora)].sort(), detail: fold.name };
}

/** Headline metrics. */
export interface HeadlineMetrics {
  accuracy: number;
  /** Unweighted average recall (balanced accuracy) over the classes in the truth. */
  uar: number;
  macroF1: number;
  weightedF1: number;
}

export type MetricName = keyof HeadlineMetrics;
export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'uar', 'macroF1', 'weightedF1'];
export const METRIC_LABELS: Record<MetricName, string> = {
  accuracy: 'accuracy',
  uar: 'UAR',
  macroF1: 'macro F1',
  weightedF1: 'weighted F1',
};

/** The headline metric `name` as a function of true and predicted indices over `nClasses` labels. */
export function metricFunction(
  name: MetricName,
  nClasses: number,
  zeroDivision: ZeroDivision = 0,
): MetricFunction {
  switch (name) {
    case 'accuracy':
      return accuracyScore;
    case 'uar':
      return (t, p) => balancedAccuracy(t, p);
    case 'macroF1':
      return (t, p) => f1Score(t, p, nClasses, { average: 'macro', zeroDivision });
    case 'weightedF1':
      return (t, p) => f1Score(t, p, nClasses, { average: 'weighted', zeroDivision });
  }
}

/** Accuracy, UAR, macro and weighted F1 of class indices over `nClasses` labels. */
export function headlineMetrics(
  yTrue: readonly number[],
  yPred: readonly number[],
  nClasses: number,
  zeroDivision: ZeroDivision = 0,
): HeadlineMetrics {
  const value = (name: MetricName) => metricFunction(name, nClasses, zeroDivision)(yTrue, yPred);
  return {
    accuracy: value('accuracy'),
    uar: value('uar'),
    macroF1: value('macroF1'),
    weightedF1: value('weightedF1'),
  };
}

/** One test clip's outcome. */
export interface ClipPrediction {
  /** The clip (its path, or manifest id). */
  id: string;
  trueLabel: string;
  predicted: string;
  /** The predicted class's probability (the model's confidence), when the model gives probabilities. */
  confidence?: number;
}

export interface EvaluationReport {
  version: 1;
  protocol: EvaluationProtocol & { description: string };
  /** The model evaluated (its directory or name), where known. */
  model?: string;
  labels: string[];
  n: number;
  metrics: HeadlineMetrics;
  /** scikit-learn's classification_report. */
  report: ClassificationReport;
  /** Bootstrap intervals of the headline metrics. */
  intervals: Record<MetricName, BootstrapInterval>;
  confusion: { counts: number[][]; normalised: number[][] };
  breakdowns: Partial<Record<BreakdownKey, GroupMetrics[]>>;
  /** Every clip's outcome, in test order (needed to compare two models clip by clip). */
  predictions?: ClipPrediction[];
}

/** A test clip as the report builder sees it: its id and what the breakdowns group by. */
export type EvaluatedClip = BreakdownRecord & { id: string };

export interface EvaluationInput {
  protocol: EvaluationProtocol;
  labels: readonly string[];
  yTrue: readonly number[];
  /** Predicted indices; default argmax of `probabilities`. */
  yPred?: readonly number[];
  /** Class probabilities per clip (for confidences). */
  probabilities?: readonly (readonly number[])[];
  /** The clips, in the order of `yTrue`: enables breakdowns and per-clip predictions. */
  clips?: readonly EvaluatedClip[];
  model?: string;
}

export interface EvaluationOptions {
  /** Bootstrap settings (default 1000 resamples, 95 %, seed 0). */
  bootstrap?: BootstrapOptions;
  /** Resample speakers instead of clips (cluster bootstrap) when the test set has several. Default false. */
  bootstrapBySpeaker?: boolean;
  /** Default 0. */
  zeroDivision?: ZeroDivision;
  /** Keep every clip's prediction in the report (needs `clips`). Default true. */
  keepPredictions?: boolean;
}

/** Evaluate predictions against the truth: everything an {@link EvaluationReport} holds. */
export function buildEvaluationReport(
  input: EvaluationInput,
  options: EvaluationOptions = {},
): EvaluationReport {
  const { labels, yTrue, clips, probabilities } = input;
  const zeroDivision = options.zeroDivision ?? 0;
  const yPred = input.yPred ?? probabilities?.map((p) => argmax(p));
  if (yPred === undefined) throw new Error('buildEvaluationReport: give yPred or probabilities');
  if (clips && clips.length !== yTrue.length)
    throw new Error(`${clips.length} clips for ${yTrue.length} labels`);
  if (probabilities && probabilities.length !== yTrue.length) {
    throw new Error(`${probabilities.length} probability rows for ${yTrue.length} labels`);
  }
  const k = labels.length;
  const counts = confusionMatrix(yTrue, yPred, k);
  const metrics = headlineMetrics(yTrue, yPred, k, zeroDivision);
  const speakers = clips?.map(speakerKey);
  const bySpeaker =
    options.bootstrapBySpeaker === true && speakers !== undefined && new Set(speakers).size >= 2;
  const bootstrap = { ...options.bootstrap, ...(bySpeaker ? { groups: speakers } : {}) };
  const intervals = Object.fromEntries(
    METRIC_NAMES.map((name) => [
      name,
      bootstrapInterval(yTrue, yPred, metricFunction(name, k, zeroDivision), bootstrap),
    ]),
  ) as Record<MetricName, BootstrapInterval>;
  const breakdowns: EvaluationReport['breakdowns'] = {};
  if (clips) {
    for (const by of ['speaker', 'corpus', 'gender'] as const)
      breakdowns[by] = breakdown(clips, yTrue, yPred, k, by);
  }
  const report: EvaluationReport = {
    version: 1,
    protocol: { ...input.protocol, description: describeProtocol(input.protocol) },
    ...(input.model !== undefined ? { model: input.model } : {}),
    labels: [...labels],
    n: yTrue.length,
    metrics,
    report: classificationReport(yTrue, yPred, labels, { zeroDivision }),
    intervals,
    confusion: { counts, normalised: rowNormalise(counts) },
    breakdowns,
  };
  if (clips && (options.keepPredictions ?? true)) {
    report.predictions = clips.map((c, i) => ({
      id: c.id,
      trueLabel: labels[yTrue[i]],
      predicted: labels[yPred[i]],
      ...(probabilities ? { confidence: probabilities[i][yPred[i]] } : {}),
    }));
  }
  return report;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** A metric with its interval: "61.3 % [58.7 %, 64.0 %]". */
export function formatWithInterval(value: number, interval?: BootstrapInterval): string {
  return interval ? `${pct(value)} [${pct(interval.lower)}, ${pct(interval.upper)}]` : pct(value);
}

/**
 * The report as plain-text tables for the terminal: protocol line, headline metrics with intervals,
 * scikit-learn's classification report layout, the confusion matrix and the per-speaker breakdown.
 */
export function formatEvaluationReport(r: EvaluationReport): string {
  const lines: string[] = [`${r.protocol.description} — ${r.n} clips`];
  const ci = r.intervals.accuracy;
  const ciNote = ci
    ? ` (${Math.round(100 * ci.confidence)} % ${ci.method} bootstrap, ${ci.nResamples} resamples)`
    : '';
  lines.push(
    METRIC_NAMES.map((m) => `${METRIC_LABELS[m]} ${formatWithInterval(r.metrics[m], r.intervals[m])}`).join(
      ' · ',
    ) + ciNote,
    '',
  );
  const w = Math.max(12, ...r.labels.map((l) => l.length));
  const row = (name: string, s: { precision: number; recall: number; f1: number; support: number }) =>
    `${name.padStart(w)} ${num(s.precision).padStart(9)} ${num(s.recall).padStart(9)} ${num(s.f1).padStart(9)} ${String(s.support).padStart(9)}`;
  lines.push(
    `${''.padStart(w)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'f1-score'.padStart(9)} ${'support'.padStart(9)}`,
  );
  for (const label of r.labels) lines.push(row(label, r.report.perClass[label]));
  lines.push(
    '',
    `${'accuracy'.padStart(w)} ${''.padStart(9)} ${''.padStart(9)} ${num(r.report.accuracy).padStart(9)} ${String(r.n).padStart(9)}`,
    row('macro avg', r.report.macroAvg),
    row('weighted avg', r.report.weightedAvg),
    '',
    `${'true \\ pred'.padEnd(w)} ${r.labels.map((l) => l.slice(0, 8).padStart(8)).join(' ')}`,
  );
  r.confusion.counts.forEach((counts, i) =>
    lines.push(`${r.labels[i].padEnd(w)} ${counts.map((c) => String(c).padStart(8)).join(' ')}`),
  );
  const speakers = r.breakdowns.speaker;
  if (speakers && speakers.length > 0) {
    lines.push(
      '',
      `${'speaker'.padEnd(w)} ${'clips'.padStart(6)} ${'accuracy'.padStart(9)} ${'UAR'.padStart(9)} ${'macro F1'.padStart(9)}`,
    );
    for (const g of speakers) {
      lines.push(
        `${g.group.padEnd(w)} ${String(g.n).padStart(6)} ${pct(g.accuracy).padStart(9)} ${pct(g.uar).padStart(9)} ${pct(g.macroF1).padStart(9)}`,
      );
    }
  }
  return lines.join('\n');
}
