/**
 * Notebook preview of an augmentation: the original and augmented clips side by side, each with an audio
 * player and its spectrogram, both in dB re. the original's peak (so a level change shows), as one HTML block.
 */
import { spectrogram } from '../dsp/spectrum';
import { audioClipHtml } from './audio';
import { escapeHtml, figureHtml } from '../viz/html';
import { showHtml } from './display';
import { peakPower, spectrogramDbPanel, stackedFigure } from '../viz/audio';
import type { PlotlyFigure } from '../viz/plotly';
import type { AppliedStep } from '../augment/compose';

/** STFT of the preview spectrograms: 46 ms frames every 12 ms at 22.05 kHz. */
const PREVIEW_STFT = { nFft: 1024, hopLength: 256 };

/**
 * A spectrogram figure of `y` in dB re. `refPower` (default its own peak), at most 200 frames × 128 bins
 * (averaged down), whole dB.
 */
export function spectrogramFigure(
  y: Float32Array,
  sampleRate: number,
  title: string,
  refPower?: number,
): PlotlyFigure {
  const S = spectrogram(y, { ...PREVIEW_STFT, power: 2 });
  const panel = spectrogramDbPanel(S, {
    sampleRate,
    hopLength: PREVIEW_STFT.hopLength,
    maxBins: 128,
    maxFrames: 200,
    digits: 0,
    refPower,
  });
  return stackedFigure([panel], { title, height: 320 });
}

/** Options of {@link augmentPreviewHtml}. */
export interface PreviewOptions {
  /** Heading above the pair. Default 'augmentation preview'. */
  title?: string;
  /** Steps that made the augmented clip (from `applyRecipe`), listed under the heading. */
  steps?: AppliedStep[];
  /** Inline the plotly.js bundle (for a standalone page; notebook pages load it themselves). Default false. */
  includeBundle?: boolean;
}

/** The steps that ran, as `name(param=value, …) → …` (numbers to 3 decimals). */
export function formatSteps(steps: readonly AppliedStep[]): string {
  return steps
    .map(
      (s) =>
        `${s.name}(${Object.entries(s.params)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`)
          .join(', ')})`,
    )
    .join(' → ');
}

/** HTML for the original and augmented clips side by side: players and spectrograms. */
export function augmentPreviewHtml(
  original: Float32Array,
  augmented: Float32Array,
  sampleRate: number,
  options: PreviewOptions = {},
): string {
  const steps = formatSteps(options.steps ?? []);
  const refPower = peakPower(spectrogram(original, { ...PREVIEW_STFT, power: 2 }));
  const seconds = (y: Float32Array) => `${(y.length / sampleRate).toFixed(2)} s`;
  const column = (label: string, y: Float32Array, first: boolean): string =>
    `<div style="flex:1;min-width:280px">` +
    `<div><b>${escapeHtml(label)}</b></div>` +
    // Untrimmed and up to 8 s: trimming silence would hide a time shift or a reverberant tail.
    audioClipHtml(y, sampleRate, { trimTopDb: null, maxSeconds: 8 }) +
    figureHtml(
      spectrogramFigure(
        y,
        sampleRate,
        `${label}, ${seconds(y)}<br>spectrogram, dB re. original's peak (n_fft ${PREVIEW_STFT.nFft}, hop ${PREVIEW_STFT.hopLength})`,
        refPower,
      ),
      { includeBundle: first && (options.includeBundle ?? false) },
    ) +
    `</div>`;
  return (
    `<div class="ser-augment-preview"><h4>${escapeHtml(options.title ?? 'augmentation preview')}</h4>` +
    (steps ? `<div><code>${escapeHtml(steps)}</code></div>` : '') +
    `<div style="display:flex;gap:12px;flex-wrap:wrap">${column('original', original, true)}${column('augmented', augmented, false)}</div></div>`
  );
}

/**
 * Show {@link augmentPreviewHtml} in a tslab notebook cell. Like lib/notebook's `showFigure`, the output leaves
 * plotly.js to the page unless `includeBundle` is set.
 */
export function showAugmentPreview(
  original: Float32Array,
  augmented: Float32Array,
  sampleRate: number,
  options: PreviewOptions = {},
): void {
  showHtml(augmentPreviewHtml(original, augmented, sampleRate, options));
}
