/**
 * Two models on the same test clips: headline metrics side by side (with bootstrap intervals over the same
 * resamples), the paired bootstrap interval of their accuracy difference, and McNemar's test.
 */
import {
  bootstrapInterval,
  bootstrapStatistic,
  type BootstrapInterval,
  type BootstrapOptions,
} from './bootstrap';
import { formatPValue, mcnemar, type McNemarOptions, type McNemarResult } from './mcnemar';
import {
  METRIC_LABELS,
  METRIC_NAMES,
  formatWithInterval,
  headlineMetrics,
  metricFunction,
  type EvaluationReport,
  type HeadlineMetrics,
  type MetricName,
} from './evaluation-report';

export interface ComparedModel {
  name: string;
  metrics: HeadlineMetrics;
  intervals: Record<MetricName, BootstrapInterval>;
}

export interface ModelComparison {
  /** The protocol, or both when the two evaluations' protocols differ ("A | B"). */
  protocol: string;
  labels: string[];
  /** Clips both evaluations predicted (the comparison uses only these). */
  n: number;
  /** Clips only the first / only the second evaluation has (left out). */
  leftOut: [number, number];
  models: [ComparedModel, ComparedModel];
  mcnemar: McNemarResult;
  /** Paired bootstrap interval of accuracy(first) − accuracy(second). */
  accuracyDifference: BootstrapInterval;
}

export interface CompareOptions {
  /** Display names; default each report's `model`, else "A" and "B". */
  names?: [string, string];
  /** Default 1000 resamples, 95 %, seed 0 (the same resamples for both models). */
  bootstrap?: BootstrapOptions;
  /** Default: exact below 25 discordant clips, χ² with continuity correction otherwise. */
  mcnemar?: McNemarOptions;
}

/**
 * Compare two evaluations clip by clip. Both need per-clip predictions (`EvaluationReport.predictions`) with
 * the same label set; clips are matched by id, and a clip whose true label differs between the two is an
 * error (they are then not the same test set).
 */
export function compareEvaluations(
  a: EvaluationReport,
  b: EvaluationReport,
  options: CompareOptions = {},
): ModelComparison {
  if (!a.predictions || !b.predictions)
    throw new Error('compareEvaluations: both reports need per-clip predictions');
  const labels = a.labels;
  if ([...labels].sort().join('\n') !== [...b.labels].sort().join('\n')) {
    throw new Error(`the models have different labels (${labels.join(', ')} vs ${b.labels.join(', ')})`);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const bById = new Map(b.predictions.map((p) => [p.id, p]));
  const yTrue: number[] = [];
  const predA: number[] = [];
  const predB: number[] = [];
  for (const p of a.predictions) {
    const q = bById.get(p.id);
    if (!q) continue;
    if (q.trueLabel !== p.trueLabel)
      throw new Error(`clip ${p.id} is "${p.trueLabel}" in one evaluation, "${q.trueLabel}" in the other`);
    yTrue.push(index.get(p.trueLabel) as number);
    predA.push(index.get(p.predicted) as number);
    predB.push(index.get(q.predicted) as number);
  }
  const n = yTrue.length;
  if (n === 0) throw new Error('the two evaluations share no clip');
  const names = options.names ?? [a.model ?? 'A', b.model ?? 'B'];
  const model = (name: string, yPred: number[]): ComparedModel => {
    const intervals = METRIC_NAMES.map(
      (m) =>
        [m, bootstrapInterval(yTrue, yPred, metricFunction(m, labels.length), options.bootstrap)] as const,
    );
    return {
      name,
      metrics: headlineMetrics(yTrue, yPred, labels.length),
      intervals: Object.fromEntries(intervals) as Record<MetricName, BootstrapInterval>,
    };
  };
  const correctA = yTrue.map((y, i) => predA[i] === y);
  const correctB = yTrue.map((y, i) => predB[i] === y);
  const accuracyDifference = bootstrapStatistic(
    n,
    (idx) => {
      let d = 0;
      for (const i of idx) d += Number(correctA[i]) - Number(correctB[i]);
      return d / idx.length;
    },
    options.bootstrap,
  );
  const pa = a.protocol.description;
  const pb = b.protocol.description;
  return {
    protocol: pa === pb ? pa : `${pa} | ${pb}`,
    labels: [...labels],
    n,
    leftOut: [a.predictions.length - n, b.predictions.length - n],
    models: [model(names[0], predA), model(names[1], predB)],
    mcnemar: mcnemar(correctA, correctB, options.mcnemar),
    accuracyDifference,
  };
}

/** The comparison as a plain-text table: protocol, metrics side by side, accuracy difference, McNemar. */
export function formatComparison(c: ModelComparison): string {
  const [a, b] = c.models;
  const w = Math.max(12, a.name.length, b.name.length) + 2;
  const col = Math.max(26, a.name.length, b.name.length);
  const lines = [
    `${c.protocol} — ${c.n} clips compared` +
      (c.leftOut[0] + c.leftOut[1] > 0
        ? ` (${c.leftOut[0]} + ${c.leftOut[1]} clips in only one evaluation left out)`
        : ''),
    '',
    `${''.padEnd(w)}${a.name.padStart(col)}  ${b.name.padStart(col)}`,
  ];
  for (const m of METRIC_NAMES) {
    lines.push(
      `${METRIC_LABELS[m].padEnd(w)}${formatWithInterval(a.metrics[m], a.intervals[m]).padStart(col)}  ${formatWithInterval(b.metrics[m], b.intervals[m]).padStart(col)}`,
    );
  }
  const d = c.accuracyDifference;
  const pp = (x: number) => `${(100 * x).toFixed(1)}`;
  const t = c.mcnemar;
  lines.push(
    '',
    `accuracy difference (${a.name} − ${b.name}): ${pp(d.estimate)} points, ${Math.round(100 * d.confidence)} % paired bootstrap [${pp(d.lower)}, ${pp(d.upper)}]`,
    `McNemar (${t.exact ? 'exact binomial' : `χ²${t.correction ? ' with continuity correction' : ''}`}): ` +
      `only ${a.name} right ${t.onlyA}, only ${b.name} right ${t.onlyB}, p = ${formatPValue(t.pValue)}`,
  );
  return lines.join('\n');
}
