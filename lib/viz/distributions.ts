/**
 * Figures of distributions and groups: histograms, box plots, count grids, per-group profile curves
 * and 2-D embeddings coloured by a label. Groups keep the order given and one colour each, so that the
 * same emotion has the same colour in every figure of a notebook.
 */
import type { BoxTrace, HeatmapTrace, HistogramTrace, PlotlyFigure, ScatterTrace } from './plotly';

/** 24 distinguishable colours (Plotly's D3 ten, then Dark24's), cycled beyond. */
export const GROUP_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#2e91e5',
  '#e15f99',
  '#1ca71c',
  '#fb0d0d',
  '#da16ff',
  '#222a2a',
  '#b68100',
  '#750d86',
  '#eb663b',
  '#511cfb',
  '#00a08b',
  '#fb00d1',
  '#fc0080',
  '#b2828d',
];

/** The colour of group i. */
export const groupColor = (i: number): string => GROUP_COLORS[i % GROUP_COLORS.length];

/** Named values: one histogram, box or curve per group. */
export interface ValueGroup {
  name: string;
  values: number[];
}

/** The distinct labels in first-seen order, or sorted when `sort` is true. */
export function distinct(labels: readonly string[], sort = false): string[] {
  const out = [...new Set(labels)];
  return sort ? out.sort() : out;
}

/** Split `values` by `labels` (aligned arrays) into groups, in the order of `order` (default: sorted labels). */
export function groupValues(
  values: readonly number[],
  labels: readonly string[],
  order?: readonly string[],
): ValueGroup[] {
  if (values.length !== labels.length)
    throw new Error(`groupValues: ${values.length} values for ${labels.length} labels`);
  const names = order ?? distinct(labels, true);
  const byName = new Map(names.map((n) => [n, [] as number[]]));
  labels.forEach((label, i) => byName.get(label)?.push(values[i]));
  return names.map((name) => ({ name, values: byName.get(name) ?? [] }));
}

/** Options of {@link histogramFigure}. */
export interface HistogramInput {
  groups: ValueGroup[];
  title: string;
  /** The values' name and unit, e.g. 'duration (s)'. */
  xTitle: string;
  /** Bin width in the values' unit; default: a round step giving about 40 bins over the range. */
  binSize?: number;
  /** 'count' (default) or 'percent' of each group (compares groups of different sizes). */
  normalise?: 'count' | 'percent';
}

/** Overlaid, semi-transparent histograms, one per group, with shared bins. */
export function histogramFigure(input: HistogramInput): PlotlyFigure {
  if (input.groups.length === 0) throw new Error('histogramFigure: no groups');
  const percent = input.normalise === 'percent';
  // Shared bins: plotly.js would otherwise bin each trace on its own, and overlaid bars would not compare.
  const all = input.groups.flatMap((g) => g.values).filter(Number.isFinite);
  const lo = all.length > 0 ? Math.min(...all) : 0;
  const hi = all.length > 0 ? Math.max(...all) : 1;
  const size = input.binSize ?? niceStep((hi - lo) / 40);
  const start = Math.floor(lo / size) * size;
  const data: HistogramTrace[] = input.groups.map((g, i) => ({
    type: 'histogram',
    name: g.name,
    x: [...g.values],
    opacity: input.groups.length > 1 ? 0.6 : 1,
    marker: { color: groupColor(i) },
    ...(percent ? { histnorm: 'percent' as const } : {}),
    xbins: { start, end: hi + size, size },
    hovertemplate: `${g.name}: %{x}<br>%{y:${percent ? '.1f' : 'd'}}${percent ? ' %' : ' clips'}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: { text: input.title },
      xaxis: { title: { text: input.xTitle } },
      yaxis: { title: { text: percent ? 'share of the group (%)' : 'clips' }, rangemode: 'tozero' },
      barmode: 'overlay',
      showlegend: input.groups.length > 1,
      height: 380,
    },
  };
}

/** The step of 1, 2 or 5 × a power of ten closest above `raw` (1 for a zero or invalid raw step). */
export function niceStep(raw: number): number {
  if (!(raw > 0 && Number.isFinite(raw))) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-12)) as number;
  return Number(step.toPrecision(12));
}

/** Options of {@link boxFigure}. */
export interface BoxInput {
  groups: ValueGroup[];
  title: string;
  /** The values' name and unit. */
  yTitle: string;
  /** What the groups are, e.g. 'emotion'. */
  xTitle?: string;
}

/** One box per group (median, quartiles, 1.5 IQR whiskers, outliers; the mean dashed). */
export function boxFigure(input: BoxInput): PlotlyFigure {
  if (input.groups.length === 0) throw new Error('boxFigure: no groups');
  const data: BoxTrace[] = input.groups.map((g, i) => ({
    type: 'box',
    name: g.name,
    y: [...g.values],
    marker: { color: groupColor(i), size: 3 },
    boxpoints: 'outliers',
    boxmean: true,
  }));
  return {
    data,
    layout: {
      title: { text: input.title },
      xaxis: { title: { text: input.xTitle ?? '' }, type: 'category' },
      yaxis: { title: { text: input.yTitle }, automargin: true },
      showlegend: false,
      height: 380,
    },
  };
}

/** Options of {@link countGridFigure}. */
export interface CountGridInput {
  /** Row categories (y, top to bottom) and column categories (x). */
  rows: string[];
  cols: string[];
  /** `counts[i][j]`: items with row `rows[i]` and column `cols[j]`. */
  counts: number[][];
  title: string;
  xTitle: string;
  yTitle: string;
  /** Write the count in each cell (default: when there are at most 400 cells). */
  showText?: boolean;
}

/** Cross-tabulation as a heatmap: how many items fall in each (row, column) cell. */
export function countGridFigure(input: CountGridInput): PlotlyFigure {
  const { rows, cols, counts } = input;
  if (counts.length !== rows.length || counts.some((r) => r.length !== cols.length))
    throw new Error(`countGridFigure: counts must be ${rows.length}×${cols.length}`);
  const showText = input.showText ?? rows.length * cols.length <= 400;
  const trace: HeatmapTrace = {
    type: 'heatmap',
    x: [...cols],
    y: [...rows],
    z: counts.map((r) => [...r]),
    colorscale: [
      [0, '#f7fbff'],
      [0.5, '#6baed6'],
      [1, '#08306b'],
    ],
    zmin: 0,
    colorbar: { title: { text: 'clips' } },
    hovertemplate: `${input.yTitle} %{y}, ${input.xTitle} %{x}: %{z} clips<extra></extra>`,
    ...(showText ? { text: counts.map((r) => r.map(String)), texttemplate: '%{text}' } : {}),
  };
  return {
    data: [trace],
    layout: {
      title: { text: input.title },
      xaxis: { title: { text: input.xTitle }, type: 'category', automargin: true },
      yaxis: { title: { text: input.yTitle }, type: 'category', autorange: 'reversed', automargin: true },
      height: Math.min(900, 200 + 22 * rows.length),
    },
  };
}

/** Count items per (row key, column key): rows and columns sorted unless orders are given. */
export function crossTab(
  rowKeys: readonly string[],
  colKeys: readonly string[],
  order: { rows?: readonly string[]; cols?: readonly string[] } = {},
): { rows: string[]; cols: string[]; counts: number[][] } {
  if (rowKeys.length !== colKeys.length) throw new Error('crossTab: keys differ in length');
  const rows = [...(order.rows ?? distinct(rowKeys, true))];
  const cols = [...(order.cols ?? distinct(colKeys, true))];
  const counts = rows.map(() => new Array<number>(cols.length).fill(0));
  const rowIndex = new Map(rows.map((r, i) => [r, i]));
  const colIndex = new Map(cols.map((c, j) => [c, j]));
  rowKeys.forEach((r, k) => {
    const i = rowIndex.get(r);
    const j = colIndex.get(colKeys[k]);
    if (i !== undefined && j !== undefined) counts[i][j]++;
  });
  return { rows, cols, counts };
}

/** A curve per group over a shared x, optionally with a ± band (e.g. mean ± standard deviation). */
export interface ProfileSeries {
  name: string;
  values: number[];
  /** Half-width of a shaded band around the curve. */
  spread?: number[];
}

/** Options of {@link profileFigure}. */
export interface ProfileInput {
  /** Shared x positions (numbers) — or categories, drawn at 0, 1, 2… and labelled. */
  x: number[] | string[];
  series: ProfileSeries[];
  title: string;
  xTitle: string;
  yTitle: string;
  /** Draw markers on the curves (for a few categorical x). Default: when x are categories. */
  markers?: boolean;
  /** 'log' for frequencies (e.g. mel band centres in Hz). Default 'linear'. */
  xType?: 'linear' | 'log';
  height?: number;
}

/** One line per group (e.g. the mean MFCC vector of each emotion), with optional shaded spread. */
export function profileFigure(input: ProfileInput): PlotlyFigure {
  const categorical = input.x.some((v) => typeof v === 'string');
  const x = categorical ? input.x.map((_, i) => i) : (input.x as number[]);
  const data: ScatterTrace[] = [];
  input.series.forEach((s, i) => {
    if (s.values.length !== x.length)
      throw new Error(`profileFigure: "${s.name}" has ${s.values.length} values for ${x.length} x`);
    const colour = groupColor(i);
    if (s.spread) {
      // The band: lower edge (invisible), then the upper edge filled down to it.
      const edge = (sign: number): ScatterTrace => ({
        type: 'scatter',
        mode: 'lines',
        x: [...x],
        y: s.values.map((v, k) => v + sign * (s.spread as number[])[k]),
        line: { color: colour, width: 0 },
        legendgroup: s.name,
        showlegend: false,
        hovertemplate: '<extra></extra>',
        ...(sign > 0 ? { fill: 'tonexty' as const, fillcolor: `${colour}26` } : {}),
      });
      data.push(edge(-1), edge(1));
    }
    data.push({
      type: 'scatter',
      mode: (input.markers ?? categorical) ? 'lines+markers' : 'lines',
      name: s.name,
      x: [...x],
      y: [...s.values],
      line: { color: colour, width: 2 },
      legendgroup: s.name,
      hovertemplate: `${s.name}: %{y:.3g}<extra></extra>`,
    });
  });
  return {
    data,
    layout: {
      title: { text: input.title },
      xaxis: {
        title: { text: input.xTitle },
        ...(categorical ? { tickvals: x, ticktext: input.x as string[] } : {}),
        ...(input.xType === 'log' ? { type: 'log' as const } : {}),
      },
      yaxis: { title: { text: input.yTitle }, automargin: true },
      showlegend: input.series.length > 1,
      height: input.height ?? 460,
    },
  };
}

/** Options of {@link embeddingFigure}. */
export interface EmbeddingInput {
  /** `points[i] = [x, y]`. */
  points: number[][];
  /** Group of each point: one colour per group. */
  labels: string[];
  /** Order of the groups (legend and colours); default sorted. */
  order?: string[];
  /** Hover text of each point (e.g. its file). */
  hover?: string[];
  title: string;
  xTitle: string;
  yTitle: string;
}

/** A 2-D scatter (PCA scores…) with one coloured trace per group; click a legend entry to hide a group. */
export function embeddingFigure(input: EmbeddingInput): PlotlyFigure {
  const { points, labels } = input;
  if (points.length !== labels.length)
    throw new Error(`embeddingFigure: ${points.length} points for ${labels.length} labels`);
  if (input.hover && input.hover.length !== points.length)
    throw new Error('embeddingFigure: hover must have one entry per point');
  const order = input.order ?? distinct(labels, true);
  const size = points.length > 1500 ? 4 : points.length > 400 ? 6 : 8;
  const data: ScatterTrace[] = order.map((group, g) => {
    const idx = labels.flatMap((l, i) => (l === group ? [i] : []));
    return {
      type: 'scatter',
      mode: 'markers',
      name: group,
      x: idx.map((i) => Number(points[i][0].toPrecision(5))),
      y: idx.map((i) => Number(points[i][1].toPrecision(5))),
      marker: { color: groupColor(g), size, opacity: 0.75 },
      ...(input.hover ? { text: idx.map((i) => (input.hover as string[])[i]) } : {}),
      hovertemplate: `${group}${input.hover ? '<br>%{text}' : ''}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      title: { text: input.title },
      xaxis: { title: { text: input.xTitle } },
      yaxis: { title: { text: input.yTitle } },
      showlegend: true,
      // Tall enough for a legend of about 20 groups without scrolling.
      height: 600,
    },
  };
}
