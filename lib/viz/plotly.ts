/**
 * A small typed subset of Plotly's figure JSON: only what lib/viz produces. Figures are plain data
 * (serialisable with JSON.stringify), rendered by plotly.js in notebooks and reports (lib/notebook).
 */

/** Any JSON value, for the open-ended corners of Plotly's schema (fonts, margins, colorbars...). */
export type PlotlyJson = string | number | boolean | null | PlotlyJson[] | { [key: string]: PlotlyJson };

export interface HeatmapTrace {
  type: 'heatmap';
  /** Category labels, or numeric cell centres (seconds, Hz...) on a linear axis. */
  x: string[] | number[];
  y: string[] | number[];
  z: number[][];
  /** Per-cell text, shown on the cells through `texttemplate: '%{text}'`. */
  text?: string[][];
  texttemplate?: string;
  hovertemplate?: string;
  colorscale?: string | [number, string][];
  zmin?: number;
  zmax?: number;
  showscale?: boolean;
  colorbar?: { [key: string]: PlotlyJson };
  /** Which subplot axes the trace uses ('x2', 'y2'...). */
  xaxis?: string;
  yaxis?: string;
}

/** Marker style of scatter points. */
export interface PlotlyMarker {
  color?: string;
  size?: number;
  opacity?: number;
  symbol?: string;
}

export interface ScatterTrace {
  type: 'scatter';
  x: number[];
  y: number[];
  name?: string;
  mode?: 'lines' | 'markers' | 'lines+markers';
  line?: { color?: string; dash?: 'solid' | 'dash' | 'dot'; width?: number };
  marker?: PlotlyMarker;
  /** Per-point text, shown on hover through `%{text}`. */
  text?: string[];
  /** Fill down to the previous trace ('tonexty'), e.g. the band between a min and a max curve. */
  fill?: 'none' | 'tonexty' | 'toself';
  fillcolor?: string;
  /** Opacity of the whole trace. */
  opacity?: number;
  /** Which subplot axes the trace uses ('x2', 'y2'...). */
  xaxis?: string;
  yaxis?: string;
  legendgroup?: string;
  showlegend?: boolean;
  hovertemplate?: string;
}

export interface BarTrace {
  type: 'bar';
  x: string[];
  y: number[];
  name?: string;
  text?: string[];
  textposition?: 'auto' | 'inside' | 'outside' | 'none';
  /** Angle of the bar labels; plotly.js turns labels that do not fit a bar's width to vertical unless 0. */
  textangle?: number;
  textfont?: { [key: string]: PlotlyJson };
  /** False lets 'outside' labels extend beyond the plot area instead of being cut. */
  cliponaxis?: boolean;
  marker?: { color?: string };
  hovertemplate?: string;
  /** Error bars, e.g. `{ type: 'data', symmetric: false, array: [...], arrayminus: [...] }`. */
  error_y?: { [key: string]: PlotlyJson };
}

/** Raw values binned by plotly.js (one trace per group; overlay them with `barmode: 'overlay'`). */
export interface HistogramTrace {
  type: 'histogram';
  x: number[];
  /** Values for a horizontal histogram instead of `x` (unused by lib/viz). */
  y?: number[];
  name?: string;
  /** Bar heights: counts (default) or a share of the trace's values. */
  histnorm?: '' | 'percent' | 'probability' | 'density';
  xbins?: { start?: number; end?: number; size?: number };
  opacity?: number;
  marker?: PlotlyMarker;
  hovertemplate?: string;
}

/** A box plot of one group's values (median, quartiles, whiskers at 1.5 IQR, outliers). */
export interface BoxTrace {
  type: 'box';
  y: number[];
  /** Category of each value, to draw several boxes from one trace (lib/viz uses one trace per box). */
  x?: string[];
  name?: string;
  marker?: PlotlyMarker;
  boxpoints?: false | 'outliers' | 'all' | 'suspectedoutliers';
  /** Draw the mean (and standard deviation with 'sd') as a dashed line. */
  boxmean?: boolean | 'sd';
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
  hovertemplate?: string;
}

export type PlotlyTrace = HeatmapTrace | ScatterTrace | BarTrace | HistogramTrace | BoxTrace;

export interface PlotlyAxis {
  title?: { text: string };
  domain?: [number, number];
  anchor?: string;
  range?: [number, number];
  autorange?: boolean | 'reversed';
  tickformat?: string;
  type?: 'linear' | 'category' | 'log';
  dtick?: number;
  rangemode?: 'normal' | 'tozero' | 'nonnegative';
  constrain?: 'range' | 'domain';
  scaleanchor?: string;
  automargin?: boolean;
  /** Explicit ticks: positions and their labels (e.g. mel bands labelled in Hz). */
  tickvals?: number[];
  ticktext?: string[];
  showticklabels?: boolean;
  /** Share the range with another axis ('x', 'y'...), e.g. stacked panels with one time axis. */
  matches?: string;
}

export interface PlotlyLayout {
  title?: {
    text: string;
    x?: number;
    xanchor?: 'auto' | 'left' | 'center' | 'right';
    /** Height on the page, 0–1 of the figure (default: the middle of the top margin). */
    y?: number;
    yanchor?: 'auto' | 'top' | 'middle' | 'bottom';
  };
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  xaxis2?: PlotlyAxis;
  yaxis2?: PlotlyAxis;
  /** Pixel height; the width follows the container. */
  height?: number;
  barmode?: 'group' | 'stack' | 'overlay';
  showlegend?: boolean;
  legend?: { [key: string]: PlotlyJson };
  margin?: { l?: number; r?: number; t?: number; b?: number };
  annotations?: { [key: string]: PlotlyJson }[];
  /** Lines and rectangles drawn over the plot (e.g. an event marked at one epoch). */
  shapes?: { [key: string]: PlotlyJson }[];
  font?: { [key: string]: PlotlyJson };
  /** Further subplot axes: `xaxis3`, `yaxis4`... */
  [axis: `${'x' | 'y'}axis${number}`]: PlotlyAxis | undefined;
}

/** A complete figure: what `Plotly.newPlot(element, data, layout)` takes. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
}
