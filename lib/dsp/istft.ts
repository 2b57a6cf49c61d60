/**
 * The inverse of lib/features' STFT: an inverse real FFT and `librosa.istft` (0.10) with its
 * window-sum-square normalisation, centre trimming and `length` handling.
 */
import { realFft } from './fft';
import { wasmFrameKernels } from './fft-wasm';
import { stftWindow, type ComplexStft, type WindowName } from './spectrum';

/** A reusable inverse real FFT of one size; obtain it with {@link inverseRealFft}. */
export interface InverseRealFft {
  readonly size: number;
  /**
   * `numpy.fft.irfft(re + i·im, size)` into `out` (length `size`): `re`/`im` hold the non-negative
   * frequencies (`size / 2 + 1` values); like numpy, the imaginary parts of DC and Nyquist are ignored.
   */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array, offset?: number): void;
  /** Overlap-add: `out[offset + j] += irfft(re + i·im)[j] · window[j]` for j < size (the ISTFT's inner step). */
  inverseWindowedAdd(
    re: ArrayLike<number>,
    im: ArrayLike<number>,
    window: Float64Array,
    out: Float64Array,
    offset: number,
  ): void;
}

/**
 * The inverse through the forward real FFT (Hartley's identity): the discrete Hartley transform is its own
 * inverse up to 1/N, and of a real sequence it is `Re X - Im X`. So h = Re X - Im X (Hermitian-completed)
 * goes through one forward real FFT F, and x[n] = (Re F[n] - Im F[n]) / N. No second FFT to maintain.
 */
class HartleyInverseRealFft implements InverseRealFft {
  private readonly hartley: Float64Array;
  private readonly fRe: Float64Array;
  private readonly fIm: Float64Array;
  constructor(readonly size: number) {
    if (size % 2 !== 0) throw new Error(`inverseRealFft: size must be even, got ${size}`);
    this.hartley = new Float64Array(size);
    this.fRe = new Float64Array(size / 2 + 1);
    this.fIm = new Float64Array(size / 2 + 1);
  }

  /** The spectrum F of the Hartley sequence h: x[n] = (Re F[n] - Im F[n]) / N, x[N-n] = (Re F[n] + Im F[n]) / N. */
  private hartleySpectrum(re: ArrayLike<number>, im: ArrayLike<number>): void {
    const { size: n, hartley: h, fRe, fIm } = this;
    const half = n >> 1;
    h[0] = re[0];
    h[half] = re[half];
    for (let k = 1; k < half; k++) {
      h[k] = re[k] - im[k];
      h[n - k] = re[k] + im[k];
    }
    realFft(n).forward(h, fRe, fIm);
  }

  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array, offset = 0): void {
    this.hartleySpectrum(re, im);
    const { size: n, fRe, fIm } = this;
    const half = n >> 1;
    const scale = 1 / n;
    out[offset] = fRe[0] * scale;
    out[offset + half] = fRe[half] * scale;
    for (let k = 1; k < half; k++) {
      out[offset + k] = (fRe[k] - fIm[k]) * scale;
      out[offset + n - k] = (fRe[k] + fIm[k]) * scale;
    }
  }

  inverseWindowedAdd(
    re: ArrayLike<number>,
    im: ArrayLike<number>,
    window: Float64Array,
    out: Float64Array,
    offset: number,
  ): void {
    this.hartleySpectrum(re, im);
    const { size: n, fRe, fIm } = this;
    const half = n >> 1;
    const scale = 1 / n;
    out[offset] += fRe[0] * scale * window[0];
    out[offset + half] += fRe[half] * scale * window[half];
    for (let k = 1; k < half; k++) {
      out[offset + k] += (fRe[k] - fIm[k]) * scale * window[k];
      out[offset + n - k] += (fRe[k] + fIm[k]) * scale * window[n - k];
    }
  }
}

const inverses = new Map<number, InverseRealFft>();

/** The inverse real FFT of `size` points (even; cached per size; fast for powers of two). */
export function inverseRealFft(size: number): InverseRealFft {
  let inv = inverses.get(size);
  if (!inv) {
    inv = new HartleyInverseRealFft(size);
    inverses.set(size, inv);
  }
  return inv;
}

/** Options of {@link istft}; names and defaults are librosa's. */
export interface IstftOptions {
  /** Samples between frames. Default `winLength / 4`. */
  hopLength?: number;
  /** Window length. Default `nFft` (from the STFT). */
  winLength?: number;
  /** Synthesis window, as the STFT's. Default 'hann'. */
  window?: WindowName | Float64Array;
  /** Whether the STFT was centred (`nFft / 2` samples trimmed from the start). Default true. */
  center?: boolean;
  /** Output length in samples (zero-padded or cut); frames beyond it are not synthesised. Default: all frames. */
  length?: number;
}

/** Smallest positive normal float32 (`librosa.util.tiny` of a float32 result). */
const TINY32 = 1.1754943508222875e-38;

/**
 * `librosa.filters.window_sumsquare`: Σ_t w²[i - t·hop] over `frames` frames. Where every frame that could
 * cover sample i exists (the interior), the sum is periodic in i with period `hop`, so it is computed once per
 * phase there and frame by frame only near the ends.
 */
export function windowSumSquare(window: Float64Array, frames: number, hopLength: number): Float64Array {
  const n = window.length;
  const total = frames > 0 ? n + hopLength * (frames - 1) : 0;
  const out = new Float64Array(total);
  const at = (i: number): number => {
    let s = 0;
    const first = Math.max(0, Math.ceil((i - n + 1) / hopLength));
    const last = Math.min(frames - 1, Math.floor(i / hopLength));
    for (let t = first; t <= last; t++) s += window[i - t * hopLength] ** 2;
    return s;
  };
  // Interior: i in [n - 1, frames·hop), where frames 0..frames-1 cover every offset.
  const from = n - 1;
  const to = frames * hopLength;
  for (let i = 0; i < Math.min(from, total); i++) out[i] = at(i);
  for (let i = Math.max(from, to); i < total; i++) out[i] = at(i);
  // One period computed, then copied along the interior by doubling.
  if (to > from) {
    const period = Math.min(hopLength, to - from);
    for (let k = 0; k < period; k++) out[from + k] = at(from + k);
    for (let filled = period; filled < to - from; filled *= 2)
      out.copyWithin(from + filled, from, from + Math.min(filled, to - from - filled));
  }
  return out;
}

/**
 * `librosa.istft(stft_matrix, ...)` for a {@link ComplexStft} (frame-major): each frame is inverse-FFT'd,
 * windowed and overlap-added, the sum is divided by the summed squared window where that exceeds `tiny`,
 * the centre padding is removed and the result fixed to `length`. Computed in float64, returned as float32
 * (librosa's dtype for a complex64 STFT).
 */
export function istft(spec: ComplexStft, options: IstftOptions = {}): Float32Array {
  const { nFft, bins, re, im } = spec;
  const winLength = options.winLength ?? nFft;
  const hopLength = options.hopLength ?? Math.floor(winLength / 4);
  const center = options.center ?? true;
  if (!Number.isInteger(hopLength) || hopLength < 1)
    throw new Error(`istft: hopLength must be a positive integer, got ${hopLength}`);
  if (!Number.isInteger(winLength) || winLength < 1 || winLength > nFft)
    throw new Error(`istft: winLength must be an integer in [1, nFft], got ${winLength}`);
  const window = stftWindow(options.window ?? 'hann', winLength, nFft);
  let frames = spec.frames;
  if (options.length !== undefined) {
    if (!Number.isInteger(options.length) || options.length < 0)
      throw new Error(`istft: length must be a non-negative integer, got ${options.length}`);
    const padded = center ? options.length + 2 * Math.floor(nFft / 2) : options.length;
    frames = Math.min(frames, Math.ceil(padded / hopLength));
  }
  const total = frames > 0 ? nFft + hopLength * (frames - 1) : 0;
  const sum = new Float64Array(total);
  if (!wasmFrameKernels(nFft)?.overlapAdd(re, im, frames, hopLength, window, sum)) {
    const inverse = inverseRealFft(nFft);
    for (let t = 0; t < frames; t++)
      inverse.inverseWindowedAdd(
        re.subarray(t * bins, (t + 1) * bins),
        im.subarray(t * bins, (t + 1) * bins),
        window,
        sum,
        t * hopLength,
      );
  }
  const start = center ? Math.floor(nFft / 2) : 0;
  const length = options.length ?? (center ? Math.max(0, total - 2 * start) : total);
  const out = new Float32Array(length);
  normalise(
    sum,
    windowSumSquare(window, frames, hopLength),
    start,
    out,
    Math.max(0, Math.min(length, total - start)),
  );
  return out;
}

/** `out[i] = sum[start + i] / wss[start + i]` where wss exceeds `tiny`, else the sum, for i < count. */
function normalise(
  sum: Float64Array,
  wss: Float64Array,
  start: number,
  out: Float32Array,
  count: number,
): void {
  for (let i = 0, j = start; i < count; i++, j++) {
    const w = wss[j];
    out[i] = w > TINY32 ? sum[j] / w : sum[j];
  }
}
