/**
 * A small typed subset of Plotly's figure JSON: only what lib/viz produces. Figures are plain data
 * (serialisable with JSON.stringify), rendered by plotly.js in notebooks and reports (lib/notebook).
 */

/** Any JSON value, for the open-ended corners of Plotly's schema (fonts, margins, colorbars...). */
export type PlotlyJson = string | number | boolean | null | PlotlyJson[] | { [key: string]: PlotlyJson };

export interface HeatmapTrace {
  type: 'heatmap';
  x: string[];
  y: string[];
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
}

export interface ScatterTrace {
  type: 'scatter';
  x: number[];
  y: number[];
  name?: string;
  mode?: 'lines' | 'markers' | 'lines+markers';
  line?: { color?: string; dash?: 'solid' | 'dash' | 'dot'; width?: number };
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
  marker?: { color?: string };
  hovertemplate?: string;
}

export type PlotlyTrace = HeatmapTrace | ScatterTrace | BarTrace;

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
}

export interface PlotlyLayout {
  title?: { text: string; x?: number; xanchor?: 'auto' | 'left' | 'center' | 'right' };
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  xaxis2?: PlotlyAxis;
  yaxis2?: PlotlyAxis;
  /** Pixel height; the width follows the container. */
  height?: number;
  barmode?: 'group' | 'stack';
  showlegend?: boolean;
  legend?: { [key: string]: PlotlyJson };
  margin?: { l?: number; r?: number; t?: number; b?: number };
  annotations?: { [key: string]: PlotlyJson }[];
  font?: { [key: string]: PlotlyJson };
}

/** A complete figure: what `Plotly.newPlot(element, data, layout)` takes. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
}
