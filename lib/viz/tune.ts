/**
 * Tuning figures (Optuna's visualization module) as pure functions: trials → Plotly figure. Optimisation
 * history, intermediate values, parameter importances, parallel coordinates, slice, contour and timeline.
 */
import { paramImportances, type ImportanceOptions } from '../tune/importance';
import { toInternal } from '../tune/distributions';
import type { FrozenTrial, StudyDirection, TrialState } from '../tune/types';
import type { PlotlyAxis, PlotlyJson, PlotlyLayout, PlotlyTrace } from './plotly';

/** Plotly's parallel-coordinates trace (not in the shared PlotlyTrace subset). */
export interface ParcoordsTrace {
  type: 'parcoords';
  dimensions: {
    label: string;
    values: number[];
    range?: [number, number];
    tickvals?: number[];
    ticktext?: string[];
  }[];
  line: {
    color: number[];
    colorscale?: string;
    showscale?: boolean;
    reversescale?: boolean;
    colorbar?: { [key: string]: PlotlyJson };
  };
}

/** Plotly's contour trace over a regular grid (null = no data). */
export interface ContourTrace {
  type: 'contour';
  x: number[];
  y: number[];
  z: (number | null)[][];
  colorscale?: string;
  reversescale?: boolean;
  connectgaps?: boolean;
  colorbar?: { [key: string]: PlotlyJson };
  hoverinfo?: 'none' | 'all';
}

export interface TuneFigure {
  data: (PlotlyTrace | ParcoordsTrace | ContourTrace)[];
  layout: PlotlyLayout;
}

const STATE_COLORS: Record<TrialState, string> = {
  complete: '#1f77b4',
  pruned: '#ff7f0e',
  fail: '#d62728',
  running: '#7f7f7f',
};

const complete = (trials: readonly FrozenTrial[]) =>
  trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value));

const axis = (text: string, extra: PlotlyAxis = {}): PlotlyAxis => ({
  title: { text },
  automargin: true,
  ...extra,
});

/** Objective value per trial with the best value so far (Optuna's plot_optimization_history). */
export function optimizationHistoryFigure(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
  title = 'Optimization history',
): TuneFigure {
  const done = complete(trials);
  const best: number[] = [];
  for (const t of done) {
    const prev = best.length ? best[best.length - 1] : t.value!;
    best.push(direction === 'minimize' ? Math.min(prev, t.value!) : Math.max(prev, t.value!));
  }
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'Objective value',
        x: done.map((t) => t.number),
        y: done.map((t) => t.value!),
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: 'Best value',
        x: done.map((t) => t.number),
        y: best,
        line: { color: '#d62728' },
      },
    ],
    layout: { title: { text: title }, xaxis: axis('Trial'), yaxis: axis('Objective value'), height: 420 },
  };
}

/** One line per trial through its reported values (Optuna's plot_intermediate_values). */
export function intermediateValuesFigure(
  trials: readonly FrozenTrial[],
  title = 'Intermediate values',
): TuneFigure {
  const data: PlotlyTrace[] = trials
    .filter((t) => Object.keys(t.intermediateValues).length > 0)
    .map((t) => {
      const steps = Object.keys(t.intermediateValues)
        .map(Number)
        .sort((a, b) => a - b);
      return {
        type: 'scatter',
        mode: 'lines+markers',
        name: `Trial ${t.number} (${t.state})`,
        x: steps,
        y: steps.map((s) => t.intermediateValues[s]),
        line: { dash: t.state === 'pruned' ? 'dot' : 'solid' },
      };
    });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: axis('Step'),
      yaxis: axis('Intermediate value'),
      height: 420,
      showlegend: data.length <= 20,
    },
  };
}

/** Horizontal bars of parameter importances ({@link paramImportances}: k-NN surrogate, leave one parameter out). */
export function paramImportancesFigure(
  trials: readonly FrozenTrial[],
  options: ImportanceOptions = {},
  title = 'Hyperparameter importances',
): TuneFigure {
  const imp = Object.entries(paramImportances(trials, options));
  return {
    data: [
      {
        type: 'bar',
        x: imp.map(([n]) => n),
        y: imp.map(([, v]) => v),
        text: imp.map(([, v]) => v.toFixed(2)),
        textposition: 'outside',
        hovertemplate: '%{x}: %{y:.3f}<extra></extra>',
      },
    ],
    layout: {
      title: { text: title },
      xaxis: axis('Parameter'),
      yaxis: axis('Importance (leave-one-out, k-NN surrogate)', { range: [0, 1] }),
      height: 420,
    },
  };
}

/** Numeric coordinate of a parameter for plotting (categoricals: their index), and whether its axis is log. */
function paramAxis(
  trials: readonly FrozenTrial[],
  name: string,
): { values: number[]; log: boolean; ticktext?: string[] } {
  const d = trials.find((t) => name in t.distributions)!.distributions[name];
  if (d.type === 'categorical')
    return {
      values: trials.map((t) => toInternal(d, t.params[name])),
      log: false,
      ticktext: d.choices.map((c) => String(c)),
    };
  return { values: trials.map((t) => t.params[name] as number), log: d.log };
}

const paramNames = (trials: readonly FrozenTrial[]) =>
  [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();

/** One axis per parameter plus the objective, one line per complete trial (Optuna's plot_parallel_coordinate). */
export function parallelCoordinatesFigure(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
  title = 'Parallel coordinates',
): TuneFigure {
  const done = complete(trials);
  const names = paramNames(done).filter((n) => done.every((t) => n in t.params));
  const values = done.map((t) => t.value!);
  const dims: ParcoordsTrace['dimensions'] = [{ label: 'Objective value', values }];
  for (const n of names) {
    const a = paramAxis(done, n);
    if (a.ticktext)
      dims.push({ label: n, values: a.values, tickvals: a.ticktext.map((_, i) => i), ticktext: a.ticktext });
    else if (a.log) {
      const logs = a.values.map(Math.log10);
      const lo = Math.floor(Math.min(...logs));
      const hi = Math.max(lo + 1, Math.ceil(Math.max(...logs)));
      const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
      // The axis spans whole decades: ticks outside a dimension's range would be drawn beyond its ends, up
      // into the title.
      dims.push({
        label: n,
        values: logs,
        range: [lo, hi],
        tickvals: ticks,
        ticktext: ticks.map((p) => `1e${p}`),
      });
    } else dims.push({ label: n, values: a.values });
  }
  return {
    data: [
      {
        type: 'parcoords',
        dimensions: dims,
        line: { color: values, colorscale: 'Blues', showscale: true, reversescale: direction === 'minimize' },
      },
    ],
    // Parcoords writes each axis's label and top tick above the plot area: a top margin of two title lines
    // plus that band keeps a two-line title clear of the labels.
    layout: {
      title: { text: title, y: 0.97, yanchor: 'top' },
      height: 520,
      margin: { t: 160, l: 70, r: 70, b: 40 },
    },
  };
}

/** Objective value against one parameter, colour = trial number (Optuna's plot_slice, one parameter). */
export function sliceFigure(
  trials: readonly FrozenTrial[],
  param: string,
  title = `Slice: ${param}`,
): TuneFigure {
  const done = complete(trials).filter((t) => param in t.params);
  const a = paramAxis(done, param);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: param,
        x: a.values,
        y: done.map((t) => t.value!),
        hovertemplate: `${param}=%{x}<br>value=%{y}<extra></extra>`,
      },
    ],
    layout: {
      title: { text: title },
      xaxis: axis(param, a.log ? { type: 'log' } : a.ticktext ? { dtick: 1 } : {}),
      yaxis: axis('Objective value'),
      height: 400,
    },
  };
}

/**
 * Objective over two parameters (Optuna's plot_contour, one pair): inverse-distance-weighted interpolation of
 * the complete trials on a `resolution`² grid (log axes in log space), with the trials as points.
 */
export function contourFigure(
  trials: readonly FrozenTrial[],
  xParam: string,
  yParam: string,
  resolution = 40,
  title = `Contour: ${xParam} × ${yParam}`,
): TuneFigure {
  const done = complete(trials).filter((t) => xParam in t.params && yParam in t.params);
  const ax = paramAxis(done, xParam);
  const ay = paramAxis(done, yParam);
  const tx = (v: number) => (ax.log ? Math.log10(v) : v);
  const ty = (v: number) => (ay.log ? Math.log10(v) : v);
  const px = ax.values.map(tx);
  const py = ay.values.map(ty);
  const grid = (vs: number[]) => {
    const lo = Math.min(...vs);
    const hi = Math.max(...vs);
    return Array.from({ length: resolution }, (_, i) => lo + ((hi - lo) * i) / (resolution - 1));
  };
  const gx = grid(px);
  const gy = grid(py);
  const sx = Math.max(...px) - Math.min(...px) || 1;
  const sy = Math.max(...py) - Math.min(...py) || 1;
  const z = gy.map((y) =>
    gx.map((x) => {
      if (done.length === 0) return null;
      let num = 0;
      let den = 0;
      for (let i = 0; i < done.length; i++) {
        const d2 = ((x - px[i]) / sx) ** 2 + ((y - py[i]) / sy) ** 2;
        if (d2 < 1e-18) return done[i].value!;
        const w = 1 / (d2 * d2);
        num += w * done[i].value!;
        den += w;
      }
      return num / den;
    }),
  );
  const back = (log: boolean) => (v: number) => (log ? 10 ** v : v);
  return {
    data: [
      {
        type: 'contour',
        x: gx.map(back(ax.log)),
        y: gy.map(back(ay.log)),
        z,
        colorscale: 'Blues',
        connectgaps: true,
        colorbar: { title: { text: 'Objective' } },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'Trials',
        x: ax.values,
        y: ay.values,
        line: { color: 'black' },
        showlegend: false,
      },
    ],
    layout: {
      title: { text: title },
      xaxis: axis(xParam, ax.log ? { type: 'log' } : {}),
      yaxis: axis(yParam, ay.log ? { type: 'log' } : {}),
      height: 460,
    },
  };
}

/** When each trial ran, coloured by state (Optuna's plot_timeline); x in seconds since the first start. */
export function timelineFigure(
  trials: readonly FrozenTrial[],
  title = 'Timeline',
  now: Date = new Date(),
): TuneFigure {
  const started = trials.filter((t) => t.datetimeStart !== null);
  const t0 = Math.min(...started.map((t) => t.datetimeStart!.getTime()));
  const byState = new Map<TrialState, { x: number[]; y: number[] }>();
  for (const t of started) {
    const s = byState.get(t.state) ?? { x: [], y: [] };
    const end = (t.datetimeComplete ?? now).getTime();
    // One segment per trial; NaN breaks the line between segments.
    s.x.push((t.datetimeStart!.getTime() - t0) / 1000, (end - t0) / 1000, NaN);
    s.y.push(t.number, t.number, NaN);
    byState.set(t.state, s);
  }
  const data: PlotlyTrace[] = [...byState].map(([state, s]) => ({
    type: 'scatter',
    mode: 'lines',
    name: state.toUpperCase(),
    x: s.x,
    y: s.y,
    line: { color: STATE_COLORS[state], width: 6 },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: axis('Seconds since the first trial started'),
      yaxis: axis('Trial'),
      height: 420,
    },
  };
}
