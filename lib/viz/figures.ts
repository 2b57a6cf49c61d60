/**
 * Pure functions from results to Plotly figure specs. No rendering here: lib/notebook shows the
 * specs in notebooks and reports, and the tests check the specs themselves.
 */
import { confusionAccuracy, rowNormalise } from '../metrics/classification-report';
import type { EpochRecord } from '../metrics/history';
import type { BarTrace, PlotlyFigure, PlotlyJson, ScatterTrace } from './plotly';

/** `0.6129` → `"61.3 %"` (one decimal, a space before the sign). */
export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)} %`;
}

export interface ConfusionMatrixInput {
  /** Class names, in the order of the matrix rows and columns. */
  labels: string[];
  /** `confusion[i][j]` = number of clips whose true class is `labels[i]`, predicted as `labels[j]`. */
  confusion: number[][];
  /** How the test set was chosen, e.g. "speaker-independent (train OAF → test YAF)"; goes into the title. */
  protocol?: string;
  /** Replaces the generated title. */
  title?: string;
  /**
   * Colour the cells by row-normalised share (default true), so that classes with few clips are as
   * readable as large ones; false colours by raw counts. The cell text always shows both.
   */
  normalise?: boolean;
}

/** White (0) to dark blue (max). Plotly's own 'Blues' runs the other way, dark for low values. */
const SEQUENTIAL_BLUES: [number, string][] = [
  [0, '#f7fbff'],
  [0.25, '#c6dbef'],
  [0.5, '#6baed6'],
  [0.75, '#2171b5'],
  [1, '#08306b'],
];

function checkConfusion(labels: string[], confusion: number[][]): void {
  const n = labels.length;
  if (n === 0) throw new Error('confusionMatrixFigure: no labels');
  if (confusion.length !== n || confusion.some((row) => row.length !== n)) {
    throw new Error(`confusionMatrixFigure: confusion must be ${n}×${n} to match the ${n} labels`);
  }
  if (confusion.some((row) => row.some((c) => !Number.isFinite(c) || c < 0))) {
    throw new Error('confusionMatrixFigure: counts must be finite and non-negative');
  }
}

/**
 * Heatmap of a confusion matrix: true class down the rows, predicted class across the columns, each
 * cell labelled with its count and its share of the row (the per-class recall on the diagonal).
 * The title states the protocol and the overall accuracy.
 */
export function confusionMatrixFigure(input: ConfusionMatrixInput): PlotlyFigure {
  const { labels, confusion, protocol, normalise = true } = input;
  checkConfusion(labels, confusion);
  const shares = rowNormalise(confusion);
  const accuracy = confusionAccuracy(confusion);
  const title =
    input.title ?? `Confusion matrix${protocol ? ` — ${protocol}` : ''}, accuracy ${formatPercent(accuracy)}`;
  // Empty cells show a bare 0: a column of "(0.0 %)" would drown the cells that matter.
  const text = confusion.map((row, i) =>
    row.map((count, j) => (count === 0 ? '0' : `${count}<br>(${formatPercent(shares[i][j])})`)),
  );
  const n = labels.length;
  return {
    data: [
      {
        type: 'heatmap',
        x: labels,
        y: labels,
        z: normalise ? shares : confusion.map((row) => [...row]),
        text,
        texttemplate: '%{text}',
        hovertemplate: 'true %{y}, predicted %{x}<br>%{text}<extra></extra>',
        colorscale: SEQUENTIAL_BLUES,
        zmin: 0,
        zmax: normalise ? 1 : Math.max(1, ...confusion.flat()),
        showscale: true,
        colorbar: {
          title: { text: normalise ? 'share of row' : 'clips' },
          tickformat: normalise ? '.0%' : '',
        },
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'Predicted' }, type: 'category', automargin: true },
      // Reversed so the first label is the top row, as in a printed matrix.
      yaxis: { title: { text: 'True' }, type: 'category', autorange: 'reversed', automargin: true },
      height: Math.min(900, 180 + 55 * n),
      margin: { t: 70 },
    },
  };
}

/** What the callbacks did, to mark on the curves. */
export interface TrainingCurveMarks {
  /** The epoch whose weights the model kept (EarlyStopping's best epoch, restored at the end). */
  bestEpoch?: number;
  /** Training ended before the epoch budget because early stopping fired (after the last epoch drawn). */
  stoppedEarly?: boolean;
}

const MARK_COLOUR = '#7f7f7f';
const BEST_COLOUR = '#2ca02c';

/** Epochs whose learning rate is lower than the previous epoch's (ReduceLROnPlateau acted before them). */
export function learningRateDrops(history: readonly EpochRecord[]): { epoch: number; lr: number }[] {
  return history.flatMap((h, i) =>
    i > 0 && h.lr !== undefined && history[i - 1].lr !== undefined && h.lr < (history[i - 1].lr as number)
      ? [{ epoch: h.epoch, lr: h.lr }]
      : [],
  );
}

/** Vertical lines (both panels) with a label above the loss panel: LR reductions, early stop, best epoch. */
function callbackMarks(
  history: readonly EpochRecord[],
  marks: TrainingCurveMarks,
): { shapes: { [key: string]: PlotlyJson }[]; annotations: { [key: string]: PlotlyJson }[] } {
  const lines: { epoch: number; text: string; colour: string; dash: string }[] = learningRateDrops(
    history,
  ).map((d) => ({
    epoch: d.epoch - 0.5,
    text: `LR → ${Number(d.lr.toPrecision(2))}`,
    colour: MARK_COLOUR,
    dash: 'dot',
  }));
  const last = history[history.length - 1].epoch;
  if (marks.stoppedEarly) lines.push({ epoch: last, text: 'early stop', colour: '#d62728', dash: 'dash' });
  if (marks.bestEpoch !== undefined)
    lines.push({ epoch: marks.bestEpoch, text: 'best (kept)', colour: BEST_COLOUR, dash: 'solid' });
  const shapes = lines.flatMap((l) =>
    ['x', 'x2'].map((xref) => ({
      type: 'line',
      xref,
      yref: 'paper',
      x0: l.epoch,
      x1: l.epoch,
      y0: 0,
      y1: 1,
      line: { color: l.colour, dash: l.dash, width: 1.5 },
    })),
  );
  // Labels alternate between two heights so that marks on neighbouring epochs stay readable.
  const annotations = lines.map((l, i) => ({
    x: l.epoch,
    xref: 'x',
    y: i % 2 === 0 ? 1.0 : 0.9,
    yref: 'paper',
    yanchor: 'bottom',
    text: l.text,
    showarrow: false,
    font: { size: 11, color: l.colour },
    bgcolor: 'rgba(255,255,255,0.8)',
  }));
  return { shapes, annotations };
}

const TRAIN_COLOUR = '#1f77b4';
const VAL_COLOUR = '#ff7f0e';

/**
 * Loss (left) and accuracy (right) per epoch, training solid and validation dashed when present.
 * Accuracy is plotted on a 0–1 axis formatted as percentages.
 */
export function trainingCurvesFigure(
  history: EpochRecord[],
  options: { title?: string } & TrainingCurveMarks = {},
): PlotlyFigure {
  if (history.length === 0) throw new Error('trainingCurvesFigure: empty history');
  const epochs = history.map((h) => h.epoch);
  const hasVal = history.some((h) => h.valLoss !== undefined || h.valAccuracy !== undefined);
  const curve = (
    split: 'train' | 'validation',
    metric: 'loss' | 'accuracy',
    values: (number | undefined)[],
  ): ScatterTrace => {
    const axis = metric === 'loss' ? 1 : 2;
    // Epochs without a value (e.g. validation skipped) are left out rather than drawn as zero.
    const keep = values
      .map((v, i) => (v === undefined || !Number.isFinite(v) ? -1 : i))
      .filter((i) => i >= 0);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: split,
      x: keep.map((i) => epochs[i]),
      y: keep.map((i) => values[i] as number),
      line: split === 'train' ? { color: TRAIN_COLOUR, dash: 'solid' } : { color: VAL_COLOUR, dash: 'dash' },
      // One legend entry per split (the loss trace carries it) toggles both of its curves.
      legendgroup: split,
      showlegend: axis === 1,
      hovertemplate: `${split} ${metric}, epoch %{x}: %{y:${metric === 'loss' ? '.4f' : '.1%'}}<extra></extra>`,
      ...(axis === 2 ? { xaxis: 'x2', yaxis: 'y2' } : {}),
    };
  };
  const data: ScatterTrace[] = [
    curve(
      'train',
      'loss',
      history.map((h) => h.loss),
    ),
    curve(
      'train',
      'accuracy',
      history.map((h) => h.accuracy),
    ),
  ];
  if (hasVal) {
    data.push(
      curve(
        'validation',
        'loss',
        history.map((h) => h.valLoss),
      ),
      curve(
        'validation',
        'accuracy',
        history.map((h) => h.valAccuracy),
      ),
    );
  }
  const { shapes, annotations } = callbackMarks(history, options);
  return {
    data,
    layout: {
      title: { text: options.title ?? `Training curves (${history.length} epochs)` },
      ...(shapes.length > 0 ? { shapes, annotations, margin: { t: 100 } } : {}),
      xaxis: { domain: [0, 0.45], title: { text: 'epoch' }, anchor: 'y' },
      yaxis: { title: { text: 'loss' }, anchor: 'x', rangemode: 'tozero' },
      xaxis2: { domain: [0.55, 1], title: { text: 'epoch' }, anchor: 'y2' },
      yaxis2: { title: { text: 'accuracy' }, anchor: 'x2', range: [0, 1], tickformat: '.0%' },
      height: 380,
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}

export interface BarInput {
  /** The bars' categories (x axis). */
  categories: string[];
  /** One value per category (a single series)... */
  values?: number[];
  /** ...or several named series, drawn side by side (or stacked). */
  series?: { name: string; values: number[] }[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  stacked?: boolean;
}

/** Bar chart of counts per category, each bar labelled with its value. */
export function barFigure(input: BarInput): PlotlyFigure {
  const { categories } = input;
  if ((input.values === undefined) === (input.series === undefined)) {
    throw new Error('barFigure: give exactly one of values or series');
  }
  const series = input.series ?? [{ name: input.yTitle ?? 'count', values: input.values as number[] }];
  for (const s of series) {
    if (s.values.length !== categories.length) {
      throw new Error(
        `barFigure: series "${s.name}" has ${s.values.length} values for ${categories.length} categories`,
      );
    }
  }
  const data: BarTrace[] = series.map((s) => ({
    type: 'bar',
    name: s.name,
    x: [...categories],
    y: [...s.values],
    text: s.values.map((v) => String(v)),
    textposition: 'auto',
  }));
  return {
    data,
    layout: {
      ...(input.title ? { title: { text: input.title } } : {}),
      xaxis: { title: { text: input.xTitle ?? '' }, type: 'category', automargin: true },
      yaxis: { title: { text: input.yTitle ?? 'count' }, rangemode: 'tozero' },
      barmode: input.stacked ? 'stack' : 'group',
      showlegend: series.length > 1,
      height: 380,
    },
  };
}
