/**
 * Figures of an evaluation (lib/evaluate): per-class precision/recall/F1, per-speaker (or corpus, gender)
 * metrics, two models side by side, and the confidence of right and wrong predictions. Every title names the
 * protocol, because the same model scores very differently on random and speaker-independent splits.
 */
import type { ModelComparison } from '../evaluate/compare';
import type { BreakdownKey } from '../evaluate/breakdown';
import { formatPValue } from '../evaluate/mcnemar';
import { METRIC_LABELS, METRIC_NAMES, type EvaluationReport } from '../evaluate/evaluation-report';
import { formatPercent } from './figures';
import type { BarTrace, PlotlyFigure } from './plotly';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

/** A bar series of shares (0–1) labelled in percent. */
function shareBars(
  name: string,
  x: string[],
  y: number[],
  colour: string,
  hover: string,
  text?: string[],
): BarTrace {
  return {
    type: 'bar',
    name,
    x,
    y,
    text: text ?? y.map((v) => (Number.isFinite(v) ? formatPercent(v) : 'n/a')),
    textposition: 'auto',
    marker: { color: colour },
    hovertemplate: hover,
  };
}

/** Layout of a grouped bar chart of shares on a 0–100 % axis. */
function shareLayout(title: string, xTitle: string, yTitle: string): PlotlyFigure['layout'] {
  return {
    title: { text: title },
    xaxis: { title: { text: xTitle }, type: 'category', automargin: true },
    yaxis: { title: { text: yTitle }, range: [0, 1.05], tickformat: '.0%' },
    barmode: 'group',
    showlegend: true,
    legend: { orientation: 'h', y: -0.2 },
    height: 420,
    margin: { t: 70 },
  };
}

/** Precision, recall and F1 of each class as grouped bars (scikit-learn's classification report, drawn). */
export function perClassFigure(report: EvaluationReport): PlotlyFigure {
  const { labels } = report;
  const x = labels.map((l) => `${l} (${report.report.perClass[l].support})`);
  const series = (['precision', 'recall', 'f1'] as const).map((key, i) =>
    shareBars(
      key === 'f1' ? 'F1' : key,
      x,
      labels.map((l) => report.report.perClass[l][key]),
      COLOURS[i],
      `%{x}: ${key} %{y:.1%}<extra></extra>`,
    ),
  );
  return {
    data: series,
    layout: shareLayout(
      `Per-class precision, recall and F1 — ${report.protocol.description}`,
      'class (clips in the test set)',
      'score',
    ),
  };
}

const GROUP_TITLES: Record<BreakdownKey, string> = { speaker: 'speaker', corpus: 'corpus', gender: 'gender' };

/** Accuracy, UAR and macro F1 per speaker (or corpus, gender) of the test set. */
export function breakdownFigure(report: EvaluationReport, by: BreakdownKey = 'speaker'): PlotlyFigure {
  const groups = report.breakdowns[by];
  if (!groups || groups.length === 0)
    throw new Error(`breakdownFigure: the report has no per-${by} breakdown`);
  const x = groups.map((g) => `${g.group} (${g.n})`);
  const data = (['accuracy', 'uar', 'macroF1'] as const).map((m, i) =>
    shareBars(
      METRIC_LABELS[m],
      x,
      groups.map((g) => g[m]),
      COLOURS[i],
      `%{x}: ${METRIC_LABELS[m]} %{y:.1%}<extra></extra>`,
    ),
  );
  return {
    data,
    layout: shareLayout(
      `Per-${GROUP_TITLES[by]} accuracy, UAR and macro F1 — ${report.protocol.description}`,
      `${GROUP_TITLES[by]} (clips)`,
      'score',
    ),
  };
}

/**
 * Two models' headline metrics side by side, each bar labelled with its bootstrap interval; the title carries
 * the protocol and McNemar's p-value.
 */
export function comparisonFigure(comparison: ModelComparison): PlotlyFigure {
  const x = METRIC_NAMES.map((m) => METRIC_LABELS[m]);
  const data = comparison.models.map(
    (model, i): BarTrace => ({
      ...shareBars(
        model.name,
        x,
        METRIC_NAMES.map((m) => model.metrics[m]),
        COLOURS[i],
        `${model.name}, %{x}: %{y:.1%}<br>%{text}<extra></extra>`,
        METRIC_NAMES.map((m) => {
          const ci = model.intervals[m];
          return `${formatPercent(model.metrics[m])}<br>[${formatPercent(ci.lower)}, ${formatPercent(ci.upper)}]`;
        }),
      ),
      // Two-line labels are wider than a bar of a group of 8: above the bars and level, they stay readable.
      textposition: 'outside',
      textangle: 0,
      textfont: { size: 11 },
      cliponaxis: false,
    }),
  );
  const layout = shareLayout(
    `${comparison.models[0].name} vs ${comparison.models[1].name} — ${comparison.protocol}<br>` +
      `<sub>${comparison.n} clips, McNemar p = ${formatPValue(comparison.mcnemar.pValue)}; bars labelled with ` +
      `${Math.round(100 * comparison.models[0].intervals.accuracy.confidence)} % bootstrap intervals</sub>`,
    'metric',
    'score',
  );
  // Room above a bar at 100 % for its two-line label.
  const yaxis = {
    ...layout.yaxis,
    range: [0, 1.2] as [number, number],
    tickvals: [0, 0.2, 0.4, 0.6, 0.8, 1],
  };
  return { data, layout: { ...layout, yaxis, margin: { t: 90 } } };
}

/** Counts of right and wrong predictions per confidence bin: `bins` equal bins over [0, 1]. */
export function confidenceHistogram(
  report: EvaluationReport,
  bins = 10,
): { edges: number[]; correct: number[]; wrong: number[] } {
  const predictions = report.predictions?.filter((p) => p.confidence !== undefined) ?? [];
  if (predictions.length === 0)
    throw new Error('confidence histogram: the report has no prediction confidences');
  const edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const correct = new Array<number>(bins).fill(0);
  const wrong = new Array<number>(bins).fill(0);
  for (const p of predictions) {
    // Confidence 1 falls in the last bin (closed on the right, as numpy.histogram).
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((p.confidence as number) * bins)));
    if (p.predicted === p.trueLabel) correct[bin]++;
    else wrong[bin]++;
  }
  return { edges, correct, wrong };
}

/**
 * Histogram of the model's confidence (probability of the predicted class) for right and wrong predictions:
 * a calibrated model is rarely confident and wrong.
 */
export function confidenceHistogramFigure(
  report: EvaluationReport,
  options: { bins?: number; title?: string; xTitle?: string } = {},
): PlotlyFigure {
  const { edges, correct, wrong } = confidenceHistogram(report, options.bins ?? 10);
  const x = edges.slice(0, -1).map((lo, i) => `${lo.toFixed(2)}–${edges[i + 1].toFixed(2)}`);
  const bars = (name: string, y: number[], colour: string): BarTrace => ({
    type: 'bar',
    name,
    x,
    y,
    marker: { color: colour },
    hovertemplate: `${name}, confidence %{x}: %{y} clips<extra></extra>`,
  });
  return {
    data: [bars('correct', correct, '#2ca02c'), bars('wrong', wrong, '#d62728')],
    layout: {
      title: {
        text:
          options.title ??
          `Confidence of correct and wrong predictions<br><sub>${report.protocol.description}</sub>`,
      },
      xaxis: { title: { text: options.xTitle ?? 'probability of the predicted class' }, type: 'category' },
      yaxis: { title: { text: 'clips' }, rangemode: 'tozero' },
      barmode: 'group',
      showlegend: true,
      height: 400,
      // Two title lines (what, then the protocol) fit above the plot.
      margin: { t: 90 },
    },
  };
}

/**
 * One model's headline metrics under several protocols (random split, speaker-independent, cross-corpus...)
 * side by side, each bar with its bootstrap interval as an error bar: how much the protocol alone changes the
 * numbers.
 */
export function protocolComparisonFigure(
  entries: { name: string; report: EvaluationReport }[],
  options: { title?: string } = {},
): PlotlyFigure {
  if (entries.length === 0) throw new Error('protocolComparisonFigure: no evaluations');
  const x = METRIC_NAMES.map((m) => METRIC_LABELS[m]);
  const colours = [...COLOURS, '#9467bd', '#8c564b'];
  const data = entries.map(({ name, report }, i): BarTrace => {
    const values = METRIC_NAMES.map((m) => report.metrics[m]);
    const ci = METRIC_NAMES.map((m) => report.intervals[m]);
    return {
      ...shareBars(
        `${name} (${report.n} clips)`,
        x,
        values,
        colours[i % colours.length],
        `${name}, %{x}: %{y:.1%}<br>%{text}<extra></extra>`,
        ci.map((c) => `[${formatPercent(c.lower)}, ${formatPercent(c.upper)}]`),
      ),
      textposition: 'none',
      error_y: {
        type: 'data',
        symmetric: false,
        array: ci.map((c, j) => Math.max(0, c.upper - values[j])),
        arrayminus: ci.map((c, j) => Math.max(0, values[j] - c.lower)),
        color: '#444',
      },
    };
  });
  const confidence = Math.round(100 * entries[0].report.intervals.accuracy.confidence);
  return {
    data,
    layout: shareLayout(
      options.title ??
        `The same model under ${entries.length} evaluation protocols<br><sub>error bars: ${confidence} % ` +
          'bootstrap intervals over the test clips</sub>',
      'metric',
      'score',
    ),
  };
}
