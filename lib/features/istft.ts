/**
 * The inverse of lib/features' STFT: an inverse real FFT and `librosa.istft` (0.10) with its
 * window-sum-square normalisation, centre trimming and `length` handling.
 */
import { realFft } from './fft';
import { stftWindow, type ComplexStft, type WindowName } from './spectrum';

/** A reusable inverse real FFT of one size; obtain it with {@link inverseRealFft}. */
export interface InverseRealFft {
  readonly size: number;
  /**
   * `numpy.fft.irfft(re + i·im, size)` into `out` (length `size`): `re`/`im` hold the non-negative
   * frequencies (`size / 2 + 1` values); like numpy, the imaginary parts of DC and Nyquist are ignored.
   */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array, offset?: number): void;
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

  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array, offset = 0): void {
    const { size: n, hartley: h, fRe, fIm } = this;
    const half = n >> 1;
    h[0] = re[0];
    h[half] = re[half];
    for (let k = 1; k < half; k++) {
      h[k] = re[k] - im[k];
      h[n - k] = re[k] + im[k];
    }
    realFft(n).forward(h, fRe, fIm);
    const scale = 1 / n;
    out[offset] = fRe[0] * scale;
    out[offset + half] = fRe[half] * scale;
    for (let k = 1; k < half; k++) {
      out[offset + k] = (fRe[k] - fIm[k]) * scale;
      out[offset + n - k] = (fRe[k] + fIm[k]) * scale;
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
  const windowSquares = new Float64Array(total);
  const frame = new Float64Array(nFft);
  const inverse = inverseRealFft(nFft);
  for (let t = 0; t < frames; t++) {
    inverse.inverse(re.subarray(t * bins, (t + 1) * bins), im.subarray(t * bins, (t + 1) * bins), frame);
    const start = t * hopLength;
    for (let j = 0; j < nFft; j++) {
      const w = window[j];
      sum[start + j] += frame[j] * w;
      windowSquares[start + j] += w * w;
    }
  }
  for (let i = 0; i < total; i++) if (windowSquares[i] > TINY32) sum[i] /= windowSquares[i];
  const start = center ? Math.floor(nFft / 2) : 0;
  const length = options.length ?? (center ? Math.max(0, total - 2 * start) : total);
  const out = new Float32Array(length);
  const available = Math.max(0, Math.min(length, total - start));
  for (let i = 0; i < available; i++) out[i] = sum[start + i];
  return out;
}
