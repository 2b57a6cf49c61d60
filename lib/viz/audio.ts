/**
 * Figures of audio signals and their time–frequency features: waveforms, spectrograms, log-mel and
 * other feature matrices (MFCC, Δ, chroma), as Plotly specs with time in seconds and frequency in Hz.
 *
 * Matrices come in lib/features' layouts (features × frames `FeatureMatrix`, frame-major `Spectrogram`);
 * large ones are averaged down to a few hundred columns and values rounded, to keep reports small.
 */
import { melFromSpectrogram, melFrequencies, powerToDb } from '../features/mel';
import { spectrogram } from '../dsp/spectrum';
import type { FeatureMatrix, Spectrogram } from '../features/types';
import type {
  HeatmapTrace,
  PlotlyAxis,
  PlotlyFigure,
  PlotlyLayout,
  PlotlyTrace,
  ScatterTrace,
} from './plotly';

/** Round to `digits` decimals (figures carry display precision, not float32 noise). */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Centre time (s) of each frame of a centred STFT: frame t is centred on sample t × hop (librosa's frames_to_time). */
export function frameTimes(frames: number, sampleRate: number, hopLength: number): number[] {
  return Array.from({ length: frames }, (_, t) => (t * hopLength) / sampleRate);
}

/** Groups of consecutive indices, `ceil(n / max)` per group, so that at most `max` groups remain. */
function poolGroups(n: number, max: number): [number, number][] {
  const step = Math.max(1, Math.ceil(n / max));
  const groups: [number, number][] = [];
  for (let start = 0; start < n; start += step) groups.push([start, Math.min(n, start + step)]);
  return groups;
}

/**
 * A `rows × cols` grid `value(r, c)` averaged over blocks so that at most `maxRows × maxCols` cells
 * remain; returns the pooled grid (`z[row][col]`) and the first source index of each pooled row and column.
 */
function poolGrid(
  rows: number,
  cols: number,
  value: (r: number, c: number) => number,
  maxRows: number,
  maxCols: number,
): { z: number[][]; rowStarts: number[]; colStarts: number[] } {
  const rowGroups = poolGroups(rows, maxRows);
  const colGroups = poolGroups(cols, maxCols);
  const z = rowGroups.map(([r0, r1]) =>
    colGroups.map(([c0, c1]) => {
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += value(r, c);
      return sum / ((r1 - r0) * (c1 - c0));
    }),
  );
  return { z, rowStarts: rowGroups.map((g) => g[0]), colStarts: colGroups.map((g) => g[0]) };
}

/** Options shared by the time-axis figures. */
export interface TimeAxisOptions {
  /** Sample rate of the signal the frames came from (Hz). */
  sampleRate: number;
  /** Samples between frames. */
  hopLength: number;
  title?: string;
  /** Most columns drawn (frames are averaged in blocks beyond it). Default 400. */
  maxFrames?: number;
}

/** One panel of a figure: its traces (drawn on the panel's axes), its y axis, and its share of the height. */
export interface FigurePanel {
  traces: PlotlyTrace[];
  yaxis: PlotlyAxis;
  /** Relative height. Default 1. */
  weight?: number;
}

/** Axis names of panel i: 'x'/'y' for the first, then 'x2'/'y2'… */
const axisId = (letter: 'x' | 'y', i: number): string => (i === 0 ? letter : `${letter}${i + 1}`);
type AxisKey = 'xaxis' | 'yaxis' | `${'x' | 'y'}axis${number}`;
const layoutKey = (letter: 'x' | 'y', i: number) => `${letter}axis${i === 0 ? '' : i + 1}` as AxisKey;

/**
 * Panels stacked top to bottom on one shared time axis (zooming one zooms all): each panel gets its own
 * y axis, heatmap colour bars sit beside their panel, and only the bottom panel labels the time axis.
 */
export function stackedFigure(
  panels: FigurePanel[],
  options: { title?: string; xTitle?: string; height?: number; showlegend?: boolean } = {},
): PlotlyFigure {
  if (panels.length === 0) throw new Error('stackedFigure: no panels');
  const gap = 0.06;
  const weights = panels.map((p) => p.weight ?? 1);
  const unit = (1 - gap * (panels.length - 1)) / weights.reduce((a, b) => a + b, 0);
  const layout: PlotlyLayout = {
    ...(options.title ? { title: { text: options.title } } : {}),
    height: options.height ?? 170 + 190 * panels.length,
    margin: { t: options.title ? 60 : 20, r: 20 },
    showlegend: options.showlegend ?? false,
  };
  const data: PlotlyTrace[] = [];
  let top = 1;
  panels.forEach((panel, i) => {
    // The last panel ends exactly at 0 (the sum of the float steps may miss it by an ulp).
    const domain: [number, number] = [i === panels.length - 1 ? 0 : roundTo(top - weights[i] * unit, 6), top];
    top = domain[0] - gap;
    const last = i === panels.length - 1;
    layout[layoutKey('x', i)] = {
      anchor: axisId('y', i),
      ...(i > 0 ? { matches: 'x' } : {}),
      showticklabels: last,
      ...(last ? { title: { text: options.xTitle ?? 'time (s)' } } : {}),
    };
    layout[layoutKey('y', i)] = { automargin: true, ...panel.yaxis, domain, anchor: axisId('x', i) };
    for (const trace of panel.traces) {
      if (trace.type === 'heatmap') {
        data.push({
          ...trace,
          xaxis: axisId('x', i),
          yaxis: axisId('y', i),
          colorbar: {
            ...trace.colorbar,
            y: (domain[0] + domain[1]) / 2,
            len: domain[1] - domain[0],
            thickness: 12,
          },
        });
      } else if (trace.type === 'scatter' || trace.type === 'box') {
        data.push({ ...trace, xaxis: axisId('x', i), yaxis: axisId('y', i) });
      } else {
        throw new Error(`stackedFigure: ${trace.type} traces cannot be placed on a panel`);
      }
    }
  });
  return { data, layout };
}

/** Options of {@link waveformFigure}. */
export interface WaveformOptions {
  title?: string;
  /** Most points drawn; longer signals are drawn as their min/max envelope. Default 3000. */
  maxPoints?: number;
}

/**
 * The waveform's trace: amplitude against time; signals longer than `maxPoints` become a min/max envelope
 * (each block of samples contributes its minimum and maximum), which looks like the waveform at any zoom.
 */
export function waveformTrace(samples: Float32Array, sampleRate: number, maxPoints = 3000): ScatterTrace {
  const x: number[] = [];
  const y: number[] = [];
  if (samples.length <= maxPoints) {
    samples.forEach((v, i) => {
      x.push(roundTo(i / sampleRate, 5));
      y.push(roundTo(v, 4));
    });
  } else {
    for (const [start, end] of poolGroups(samples.length, Math.floor(maxPoints / 2))) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        lo = Math.min(lo, samples[i]);
        hi = Math.max(hi, samples[i]);
      }
      const t = roundTo(start / sampleRate, 5);
      x.push(t, t);
      y.push(roundTo(lo, 4), roundTo(hi, 4));
    }
  }
  return {
    type: 'scatter',
    mode: 'lines',
    x,
    y,
    name: 'waveform',
    line: { color: '#1f77b4', width: 1 },
    hovertemplate: '%{x:.3f} s: %{y:.3f}<extra></extra>',
  };
}

/** Amplitude (full scale, ±1) against time (s). The y range is fixed at ±1 so clips compare by loudness. */
export function waveformFigure(
  samples: Float32Array,
  sampleRate: number,
  options: WaveformOptions = {},
): PlotlyFigure {
  return {
    data: [waveformTrace(samples, sampleRate, options.maxPoints)],
    layout: {
      title: {
        text: options.title ?? `Waveform (${sampleRate} Hz, ${(samples.length / sampleRate).toFixed(2)} s)`,
      },
      xaxis: { title: { text: 'time (s)' } },
      yaxis: { title: { text: 'amplitude (full scale)' }, range: [-1, 1] },
      height: 260,
      margin: { t: 50 },
    },
  };
}

/** A heatmap trace over frame times, with a titled colour bar. */
function timeHeatmap(
  z: number[][],
  x: number[],
  y: number[] | string[],
  zTitle: string,
  style: { colorscale?: HeatmapTrace['colorscale']; zmin?: number; zmax?: number; hover: string },
): HeatmapTrace {
  return {
    type: 'heatmap',
    x,
    y,
    z,
    colorscale: style.colorscale ?? 'Viridis',
    ...(style.zmin !== undefined ? { zmin: style.zmin } : {}),
    ...(style.zmax !== undefined ? { zmax: style.zmax } : {}),
    colorbar: { title: { text: zTitle } },
    hovertemplate: `%{x:.2f} s, ${style.hover}: %{z:.1f} ${zTitle}<extra></extra>`,
  };
}

/** Options of {@link spectrogramDbPanel}. */
export interface SpectrogramDbOptions extends TimeAxisOptions {
  /** Dynamic range shown below the peak (dB). Default 80. */
  topDb?: number;
  /** Most frequency rows drawn (bins are averaged in blocks beyond it). Default 256. */
  maxBins?: number;
  /** Decimals of the dB values. Default 1. */
  digits?: number;
  /**
   * Power shown as 0 dB. Default: this spectrogram's loudest (pooled) bin. Give another clip's peak to draw
   * two clips on one scale, so that a level change shows.
   */
  refPower?: number;
}

/** The largest power of a spectrogram (magnitude or power), for {@link SpectrogramDbOptions.refPower}. */
export function peakPower(S: Spectrogram): number {
  let peak = 0;
  for (const v of S.data) peak = Math.max(peak, v ** (2 / S.power));
  return peak;
}

/**
 * A linear-frequency spectrogram panel in dB relative to its peak (0 dB = the loudest bin; or `refPower`), frequency in Hz.
 * `S` may be a magnitude (power 1) or power (power 2) spectrogram from lib/features' `spectrogram`.
 */
export function spectrogramDbPanel(S: Spectrogram, options: SpectrogramDbOptions): FigurePanel {
  const { sampleRate, hopLength, topDb = 80 } = options;
  // Averaging happens on power, before the log, as a coarser STFT would.
  const power = (t: number, f: number) => S.data[t * S.bins + f] ** (2 / S.power);
  const pooled = poolGrid(
    S.bins,
    S.frames,
    (f, t) => power(t, f),
    options.maxBins ?? 256,
    options.maxFrames ?? 400,
  );
  let peak = 1e-20;
  if (options.refPower !== undefined) peak = Math.max(peak, options.refPower);
  else for (const row of pooled.z) for (const v of row) peak = Math.max(peak, v);
  const z = pooled.z.map((row) =>
    row.map((v) =>
      roundTo(Math.max(-topDb, 10 * Math.log10(Math.max(v, 1e-20) / peak)), options.digits ?? 1),
    ),
  );
  const x = pooled.colStarts.map((t) => roundTo((t * hopLength) / sampleRate, 4));
  const y = pooled.rowStarts.map((f) => roundTo((f * sampleRate) / S.nFft, 1));
  return {
    traces: [timeHeatmap(z, x, y, 'dB', { zmin: -topDb, zmax: 0, hover: '%{y:.0f} Hz' })],
    yaxis: { title: { text: 'frequency (Hz)' } },
  };
}

/** The spectrogram panel as a figure of its own. */
export function spectrogramDbFigure(S: Spectrogram, options: SpectrogramDbOptions): PlotlyFigure {
  return stackedFigure([spectrogramDbPanel(S, options)], {
    title: options.title ?? `Spectrogram (n_fft ${S.nFft}, hop ${options.hopLength}, dB re. peak)`,
    height: 380,
  });
}

/** Options of {@link melPanel}. */
export interface MelPanelOptions extends TimeAxisOptions {
  /** Lowest and highest mel frequency of the bank (Hz). Defaults 0 and sampleRate / 2. */
  fmin?: number;
  fmax?: number;
  /** HTK mel scale instead of Slaney's (as the bank was built). Default false. */
  htk?: boolean;
  /** Colour-bar title (the values' unit). Default 'dB'. */
  zTitle?: string;
  /** Decimals kept. Default 1. */
  digits?: number;
}

/** Frequencies worth a tick on a mel axis (Hz). */
const MEL_TICKS_HZ = [0, 250, 500, 1000, 2000, 4000, 8000, 16000];

/**
 * Ticks for a mel-band axis: bands are evenly spaced in mel, so round frequencies fall at fractional band
 * indices, found by interpolating the band centres.
 */
export function melAxisTicks(
  nMels: number,
  fmin: number,
  fmax: number,
  htk = false,
): { tickvals: number[]; ticktext: string[] } {
  // melFrequencies(nMels + 2) are the filters' edges; the centres are entries 1..nMels.
  const centres = Array.from(melFrequencies(nMels + 2, fmin, fmax, htk)).slice(1, nMels + 1);
  const tickvals: number[] = [];
  const ticktext: string[] = [];
  for (const hz of MEL_TICKS_HZ) {
    if (hz < centres[0] || hz > centres[nMels - 1]) continue;
    let b = 0;
    while (b < nMels - 2 && centres[b + 1] < hz) b++;
    const span = centres[b + 1] - centres[b];
    tickvals.push(roundTo(b + (span > 0 ? (hz - centres[b]) / span : 0), 3));
    ticktext.push(hz >= 1000 ? `${hz / 1000}k` : String(hz));
  }
  return { tickvals, ticktext };
}

/**
 * A mel-spectrogram panel (e.g. `powerToDb(melspectrogram(...))`): one row per mel band, labelled with
 * the frequencies in Hz, so the non-linear mel scale stays visible (low frequencies get more rows).
 */
export function melPanel(mel: FeatureMatrix, options: MelPanelOptions): FigurePanel {
  const { sampleRate, hopLength } = options;
  const pooled = poolGrid(
    mel.rows,
    mel.cols,
    (r, c) => mel.data[r * mel.cols + c],
    mel.rows,
    options.maxFrames ?? 400,
  );
  const z = pooled.z.map((row) => row.map((v) => roundTo(v, options.digits ?? 1)));
  const x = pooled.colStarts.map((t) => roundTo((t * hopLength) / sampleRate, 4));
  const y = Array.from({ length: mel.rows }, (_, b) => b);
  const ticks = melAxisTicks(mel.rows, options.fmin ?? 0, options.fmax ?? sampleRate / 2, options.htk);
  return {
    traces: [timeHeatmap(z, x, y, options.zTitle ?? 'dB', { hover: 'mel band %{y}' })],
    yaxis: { title: { text: 'frequency (Hz, mel scale)' }, ...ticks },
  };
}

/** The mel panel as a figure of its own. */
export function melFigure(mel: FeatureMatrix, options: MelPanelOptions): PlotlyFigure {
  return stackedFigure([melPanel(mel, options)], {
    title: options.title ?? `Log-mel spectrogram (${mel.rows} bands, hop ${options.hopLength})`,
    height: 380,
  });
}

/** Options of {@link featurePanel}. */
export interface FeaturePanelOptions extends TimeAxisOptions {
  /** Row labels (e.g. chroma pitch classes); default the row numbers. */
  rowLabels?: string[];
  /** The y axis title, e.g. 'MFCC coefficient'. */
  rowTitle: string;
  /** Colour-bar title (the values' unit). */
  zTitle: string;
  /**
   * Centre the colour scale on 0 with a diverging scale (for MFCCs and their deltas), spanning ± the 98th
   * percentile of |value|. Default false.
   */
  diverging?: boolean;
  /** Decimals kept. Default 2. */
  digits?: number;
}

/** Any features × frames matrix (MFCC, Δ, chroma…) as a heatmap panel over time. */
export function featurePanel(m: FeatureMatrix, options: FeaturePanelOptions): FigurePanel {
  const { sampleRate, hopLength } = options;
  if (options.rowLabels && options.rowLabels.length !== m.rows)
    throw new Error(`featurePanel: ${options.rowLabels.length} row labels for ${m.rows} rows`);
  const pooled = poolGrid(m.rows, m.cols, (r, c) => m.data[r * m.cols + c], m.rows, options.maxFrames ?? 400);
  const digits = options.digits ?? 2;
  const z = pooled.z.map((row) => row.map((v) => roundTo(v, digits)));
  const x = pooled.colStarts.map((t) => roundTo((t * hopLength) / sampleRate, 4));
  // The 98th percentile of |value|: one dominant row (MFCC 0, the level) would otherwise wash out the rest;
  // cells beyond it saturate.
  const magnitudes = z
    .flat()
    .map(Math.abs)
    .sort((a, b) => a - b);
  const extent = magnitudes.length > 0 ? magnitudes[Math.floor(0.98 * (magnitudes.length - 1))] || 1 : 1;
  const hover = `${options.rowTitle} %{y}`;
  const style = options.diverging ? { colorscale: DIVERGING, zmin: -extent, zmax: extent, hover } : { hover };
  const y = options.rowLabels ?? Array.from({ length: m.rows }, (_, r) => r);
  return {
    traces: [timeHeatmap(z, x, y, options.zTitle, style)],
    yaxis: { title: { text: options.rowTitle }, ...(options.rowLabels ? { type: 'category' } : {}) },
  };
}

/** Blue for negative, white at 0, red for positive (Plotly's RdBu runs the other way). */
const DIVERGING: [number, string][] = [
  [0, '#053061'],
  [0.25, '#4393c3'],
  [0.5, '#f7f7f7'],
  [0.75, '#d6604d'],
  [1, '#67001f'],
];

/** The feature panel as a figure of its own. */
export function featureFigure(m: FeatureMatrix, options: FeaturePanelOptions): PlotlyFigure {
  return stackedFigure([featurePanel(m, options)], { title: options.title, height: 360 });
}

/** A per-frame feature curve (ZCR, RMS…) as a line panel. */
export function curvePanel(
  values: ArrayLike<number>,
  options: TimeAxisOptions & { yTitle: string; name?: string },
): FigurePanel {
  const x = frameTimes(values.length, options.sampleRate, options.hopLength).map((t) => roundTo(t, 4));
  return {
    traces: [
      {
        type: 'scatter',
        mode: 'lines',
        x,
        y: Array.from(values, (v) => roundTo(v, 5)),
        name: options.name ?? options.yTitle,
        hovertemplate: `%{x:.2f} s: %{y:.4f}<extra>${options.name ?? ''}</extra>`,
      },
    ],
    yaxis: { title: { text: options.yTitle }, rangemode: 'tozero' },
    weight: 0.6,
  };
}

/** STFT settings of {@link clipFigure}; librosa's defaults. */
export interface ClipFigureOptions {
  title?: string;
  nFft?: number;
  hopLength?: number;
  nMels?: number;
}

/**
 * One clip three ways on a shared time axis: waveform, linear spectrogram (dB re. peak) and 128-band
 * log-mel spectrogram (`power_to_db(ref=max)`), all from the same STFT (Hann, n_fft 2048, hop 512).
 */
export function clipFigure(
  samples: Float32Array,
  sampleRate: number,
  options: ClipFigureOptions = {},
): PlotlyFigure {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? 512;
  const power = spectrogram(samples, { nFft, hopLength, power: 2 });
  const logMel = powerToDb(melFromSpectrogram(power, sampleRate, { nMels: options.nMels ?? 128 }), {
    ref: 'max',
  });
  const wave: FigurePanel = {
    traces: [waveformTrace(samples, sampleRate, 1500)],
    yaxis: { title: { text: 'amplitude' }, range: [-1, 1] },
    weight: 0.7,
  };
  return stackedFigure(
    [
      wave,
      // Whole dB and at most 160 columns: the figure stays near 150 kB however long the clip.
      spectrogramDbPanel(power, { sampleRate, hopLength, maxBins: 128, maxFrames: 160, digits: 0 }),
      melPanel(logMel, { sampleRate, hopLength, maxFrames: 160, digits: 0 }),
    ],
    {
      title:
        options.title ??
        `Waveform, spectrogram and log-mel (${sampleRate} Hz, n_fft ${nFft}, hop ${hopLength}, dB re. peak)`,
      height: 720,
    },
  );
}
