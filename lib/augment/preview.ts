/**
 * Notebook preview of an augmentation: the original and augmented clips side by side, each with an audio
 * player and its spectrogram (dB), as one HTML block (display it with tslab's `display.html`).
 */
import { encodeWav } from '../audio/encode';
import { spectrogram } from '../features/spectrum';
import { escapeHtml, figureHtml } from '../notebook/html';
import type { PlotlyFigure } from '../viz/plotly';
import type { AppliedStep } from './compose';

/** A spectrogram heatmap in dB re. the clip's peak, at most 200 frames × 128 bins (averaged down). */
export function spectrogramFigure(y: Float32Array, sampleRate: number, title: string): PlotlyFigure {
  const nFft = 1024;
  const spec = y.length >= 1 ? spectrogram(y, { nFft, hopLength: 256, power: 2 }) : undefined;
  const frames = spec?.frames ?? 0;
  const bins = spec?.bins ?? 0;
  const tStep = Math.max(1, Math.ceil(frames / 200));
  const fStep = Math.max(1, Math.ceil(bins / 128));
  const rows = Math.ceil(bins / fStep);
  const cols = Math.ceil(frames / tStep);
  const z: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  let peak = 1e-20;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let n = 0;
      for (let f = r * fStep; f < Math.min(bins, (r + 1) * fStep); f++)
        for (let t = c * tStep; t < Math.min(frames, (c + 1) * tStep); t++, n++)
          sum += spec?.data[t * bins + f] ?? 0;
      z[r][c] = sum / Math.max(1, n);
      peak = Math.max(peak, z[r][c]);
    }
  for (const row of z)
    for (let c = 0; c < cols; c++) row[c] = Math.max(-80, 10 * Math.log10(Math.max(row[c], 1e-20) / peak));
  const x = Array.from({ length: cols }, (_, c) => ((c * tStep * 256) / sampleRate).toFixed(2));
  const yLabels = Array.from({ length: rows }, (_, r) => String(Math.round((r * fStep * sampleRate) / nFft)));
  return {
    data: [
      { type: 'heatmap', x, y: yLabels, z, colorscale: 'Viridis', zmin: -80, zmax: 0, showscale: false },
    ],
    layout: {
      title: { text: title },
      height: 260,
      margin: { l: 50, r: 10, t: 36, b: 36 },
      xaxis: { title: { text: 's' } },
      yaxis: { title: { text: 'Hz' } },
    },
  };
}

/** An `<audio>` player with the clip inline as a 16-bit WAV data URL. */
export function audioPlayerHtml(y: Float32Array, sampleRate: number): string {
  const clipped = y.map((v) => Math.max(-1, Math.min(1, v)));
  const b64 = Buffer.from(encodeWav([clipped], sampleRate)).toString('base64');
  return `<audio controls preload="none" src="data:audio/wav;base64,${b64}"></audio>`;
}

/** Options of {@link augmentPreviewHtml}. */
export interface PreviewOptions {
  /** Heading above the pair. Default 'augmentation preview'. */
  title?: string;
  /** Steps that made the augmented clip (from `applyRecipe`), listed under the heading. */
  steps?: AppliedStep[];
  /** Inline the plotly.js bundle (needed once per page; lib/notebook's `showFigure` sends it). Default false. */
  includeBundle?: boolean;
}

/** HTML for the original and augmented clips side by side: players and spectrograms. */
export function augmentPreviewHtml(
  original: Float32Array,
  augmented: Float32Array,
  sampleRate: number,
  options: PreviewOptions = {},
): string {
  const steps = (options.steps ?? [])
    .map(
      (s) =>
        `${s.name}(${Object.entries(s.params)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`)
          .join(', ')})`,
    )
    .join(' → ');
  const column = (label: string, y: Float32Array, first: boolean): string =>
    `<div style="flex:1;min-width:280px">` +
    `<div><b>${escapeHtml(label)}</b> (${(y.length / sampleRate).toFixed(2)} s)</div>${audioPlayerHtml(y, sampleRate)}` +
    figureHtml(spectrogramFigure(y, sampleRate, label), {
      includeBundle: first && (options.includeBundle ?? false),
    }) +
    `</div>`;
  return (
    `<div class="ser-augment-preview"><h4>${escapeHtml(options.title ?? 'augmentation preview')}</h4>` +
    (steps ? `<div><code>${escapeHtml(steps)}</code></div>` : '') +
    `<div style="display:flex;gap:12px;flex-wrap:wrap">${column('original', original, true)}${column('augmented', augmented, false)}</div></div>`
  );
}

/** Whether this process has already sent the plotly.js bundle with a preview. */
let previewBundleSent = false;

/**
 * Show {@link augmentPreviewHtml} in a tslab notebook cell. The first preview of a kernel session inlines the
 * plotly.js bundle (as lib/notebook's `showFigure` does); pass `includeBundle` to force or skip it.
 */
export function showAugmentPreview(
  original: Float32Array,
  augmented: Float32Array,
  sampleRate: number,
  options: PreviewOptions = {},
): void {
  const includeBundle = options.includeBundle ?? !previewBundleSent;
  // tslab is loaded lazily so that importing lib/augment outside a kernel does not pull it in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { display } = require('tslab') as typeof import('tslab');
  display.html(augmentPreviewHtml(original, augmented, sampleRate, { ...options, includeBundle }));
  if (includeBundle) previewBundleSent = true;
}
