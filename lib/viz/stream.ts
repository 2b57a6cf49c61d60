/**
 * The emotion timeline of a stream (`ser stream --plot`, notebook 07): smoothed class probabilities of every
 * window over time, with silent windows left as gaps, and under them the label of each speech segment.
 */
import type { PlotlyFigure, ScatterTrace } from './plotly';

/** The fields of a stream event the timeline draws (lib/infer's WindowEvent and SegmentEvent). */
export interface TimelineEvent {
  type: 'window' | 'segment';
  start: number;
  end: number;
  label: string | null;
  scores: Record<string, number> | null;
}

export interface StreamTimelineInput {
  /** Class names, in the model's order. */
  labels: string[];
  events: TimelineEvent[];
  /** Goes into the title: the protocol (model, window, hop, smoothing) and the source. */
  description: string;
  /** Shade the true emotion of known stretches (tests, notebooks on concatenated clips). */
  truth?: { start: number; end: number; label: string }[];
}

const PALETTE = [
  '#d62728',
  '#8c564b',
  '#9467bd',
  '#ff7f0e',
  '#7f7f7f',
  '#17becf',
  '#1f77b4',
  '#2ca02c',
  '#e377c2',
];

/** A colour per class, stable for a given label order. */
export function classColors(labels: string[]): Record<string, string> {
  return Object.fromEntries(labels.map((l, i) => [l, PALETTE[i % PALETTE.length]]));
}

export function streamTimelineFigure(input: StreamTimelineInput): PlotlyFigure {
  const { labels } = input;
  const color = classColors(labels);
  const windows = input.events.filter((e) => e.type === 'window');
  // Each window is drawn at its centre; silent windows are NaN (null in JSON), which Plotly leaves as gaps.
  const x = windows.map((w) => Math.round(((w.start + w.end) / 2) * 1000) / 1000);
  const traces: ScatterTrace[] = labels.map((l) => ({
    type: 'scatter',
    mode: 'lines',
    name: l,
    x,
    y: windows.map((w) => (w.scores ? Math.round(w.scores[l] * 1e4) / 1e4 : Number.NaN)),
    line: { color: color[l], width: 2 },
    legendgroup: l,
    hovertemplate: `${l} %{y:.2f} at %{x:.1f} s<extra></extra>`,
  }));
  const row = (l: string) => labels.indexOf(l);
  const bars = (
    spans: { start: number; end: number; label: string }[],
    y: (l: string) => number,
    width: number,
    opacity: number,
  ) =>
    spans.map(
      (s): ScatterTrace => ({
        type: 'scatter',
        mode: 'lines',
        x: [s.start, s.end],
        y: [y(s.label), y(s.label)],
        line: { color: color[s.label] ?? '#444', width },
        opacity,
        xaxis: 'x',
        yaxis: 'y2',
        legendgroup: s.label,
        showlegend: false,
        hovertemplate: `${s.label} %{x:.1f} s<extra></extra>`,
      }),
    );
  const segments = input.events.flatMap((e) =>
    e.type === 'segment' && e.label !== null ? [{ start: e.start, end: e.end, label: e.label }] : [],
  );
  traces.push(...bars(segments, row, 12, 1));
  const ticks = [...labels];
  if (input.truth) {
    traces.push(...bars(input.truth, (l) => row(l) - 0.35, 5, 0.45));
  }
  const end = Math.max(1, ...input.events.map((e) => e.end));
  return {
    data: traces,
    layout: {
      title: { text: `Emotion timeline — ${input.description}` },
      height: 520,
      xaxis: { title: { text: 'time (s)' }, range: [0, end], anchor: 'y2' },
      yaxis: { title: { text: 'probability (smoothed)' }, range: [0, 1], domain: [0.42, 1] },
      yaxis2: {
        title: { text: input.truth ? 'segment label (thin: truth)' : 'segment label' },
        domain: [0, 0.34],
        range: [-0.8, labels.length - 0.4],
        tickvals: labels.map((_, i) => i),
        ticktext: ticks,
        automargin: true,
      },
      legend: { orientation: 'h', y: 1.12 },
      margin: { t: 90 },
    },
  };
}
