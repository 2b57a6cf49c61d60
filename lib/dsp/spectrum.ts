/**
 * librosa's short-time Fourier transform (`librosa.stft`, 0.10) and the magnitude/power spectrograms built
 * on it (`librosa.core.spectrum._spectrogram`).
 *
 * Exactness notes: the window is scipy's periodic `get_window(window, win_length, fftbins=True)` computed
 * the way scipy does (cosine of a `linspace`), zero-padded to `n_fft` in the centre; frames are multiplied by
 * the float64 window and transformed in float64 like numpy's pocketfft; each complex value is then rounded to
 * complex64 (librosa's default `dtype` for float32 audio) and magnitudes/powers are rounded to float32 exactly
 * as `np.abs(D) ** power` does on complex64.
 */
import { realFft } from './fft';
import { wasmFrameKernels } from './fft-wasm';

/** A real spectrogram, frame-major (`data[frame * bins + bin]`) because every consumer walks it frame by frame. */
export interface Spectrogram {
  /** FFT size it was computed with (librosa infers it as `2 * (bins - 1)` when given `S`). */
  nFft: number;
  /** `nFft / 2 + 1` frequency bins. */
  bins: number;
  frames: number;
  /** Exponent applied to the magnitude: 1 for magnitude, 2 for power. */
  power: number;
  data: Float32Array;
}

/** Window shapes understood by {@link stftWindow} (scipy names). */
export type WindowName = 'hann' | 'hamming' | 'boxcar';

/** Padding applied at both ends when `center` is true (numpy `np.pad` modes). */
export type PadMode = 'constant' | 'edge' | 'reflect';

/** STFT options; names and defaults are librosa's. */
export interface StftOptions {
  /** FFT size. Default 2048. */
  nFft?: number;
  /** Samples between frames. Default `winLength / 4` (librosa: `win_length // 4`). */
  hopLength?: number;
  /** Window length, zero-padded to `nFft` in the centre. Default `nFft`. */
  winLength?: number;
  /** Window (periodic, scipy's `fftbins=True`) or explicit coefficients of length `winLength`. Default 'hann'. */
  window?: WindowName | Float64Array;
  /** Pad `nFft / 2` samples at both ends so frame t is centred on sample `t * hopLength`. Default true. */
  center?: boolean;
  /** How `center` pads. Default 'constant' (zeros), librosa 0.10's default. */
  padMode?: PadMode;
}

/** STFT options with every default filled in. */
export interface ResolvedStft {
  nFft: number;
  hopLength: number;
  winLength: number;
  window: WindowName | Float64Array;
  center: boolean;
  padMode: PadMode;
}

/** Fill librosa's defaults into STFT options and check them. */
export function resolveStft(options: StftOptions = {}): ResolvedStft {
  const nFft = options.nFft ?? 2048;
  const winLength = options.winLength ?? nFft;
  const hopLength = options.hopLength ?? Math.floor(winLength / 4);
  for (const [name, v] of [
    ['nFft', nFft],
    ['winLength', winLength],
    ['hopLength', hopLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`stft: ${name} must be a positive integer, got ${v}`);
  }
  if (winLength > nFft) throw new Error(`stft: winLength ${winLength} exceeds nFft ${nFft}`);
  return {
    nFft,
    hopLength,
    winLength,
    window: options.window ?? 'hann',
    center: options.center ?? true,
    padMode: options.padMode ?? 'constant',
  };
}

/** Generalised cosine window as scipy computes it: `sum_k a[k] cos(k * linspace(-π, π, M))`. */
function generalCosine(length: number, coefficients: number[], symmetric: boolean): Float64Array {
  if (length <= 1) return new Float64Array(length).fill(1);
  const m = symmetric ? length : length + 1;
  const step = (Math.PI - -Math.PI) / (m - 1);
  const w = new Float64Array(length);
  for (let n = 0; n < length; n++) {
    const fac = n === m - 1 ? Math.PI : n * step + -Math.PI;
    let v = 0;
    for (let k = 0; k < coefficients.length; k++) v += coefficients[k] * Math.cos(k * fac);
    w[n] = v;
  }
  return w;
}

const windows = new Map<string, Float64Array>();

/**
 * The analysis window of librosa's STFT: `get_window(window, winLength, fftbins=True)` centred in `nFft`
 * zeros (`util.pad_center`). Cached per (window, winLength, nFft); do not modify the result.
 */
export function stftWindow(window: WindowName | Float64Array, winLength: number, nFft: number): Float64Array {
  const key = typeof window === 'string' ? `${window}/${winLength}/${nFft}` : undefined;
  const cached = key ? windows.get(key) : undefined;
  if (cached) return cached;
  let w: Float64Array;
  if (typeof window !== 'string') {
    if (window.length !== winLength)
      throw new Error(`stft: window has ${window.length} coefficients, winLength is ${winLength}`);
    w = window;
  } else if (window === 'hann') w = generalCosine(winLength, [0.5, 0.5], false);
  else if (window === 'hamming') w = generalCosine(winLength, [0.54, 0.46], false);
  else if (window === 'boxcar') w = new Float64Array(winLength).fill(1);
  else throw new Error(`stft: unknown window ${String(window)}`);
  const padded = new Float64Array(nFft);
  padded.set(w, Math.floor((nFft - winLength) / 2));
  if (key) windows.set(key, padded);
  return padded;
}

/** `np.pad(y, (pad, pad), mode)` for the modes librosa's framing uses. */
export function padSignal(y: Float32Array, pad: number, mode: PadMode): Float32Array {
  const n = y.length;
  const out = new Float32Array(n + 2 * pad);
  out.set(y, pad);
  if (mode === 'constant' || pad === 0) return out;
  if (n === 0) throw new Error(`padSignal: cannot pad an empty signal with mode '${mode}'`);
  for (let i = 0; i < pad; i++) {
    if (mode === 'edge') {
      out[i] = y[0];
      out[pad + n + i] = y[n - 1];
    } else {
      // 'reflect' mirrors without repeating the edge sample; numpy repeats the reflection for long pads.
      const period = Math.max(1, 2 * (n - 1));
      const reflect = (k: number) => {
        const m = ((k % period) + period) % period;
        return m < n ? m : period - m;
      };
      out[pad - 1 - i] = y[reflect(i + 1)];
      out[pad + n + i] = y[reflect(n - 2 - i)];
    }
  }
  return out;
}

/** Number of frames `util.frame` yields for a signal of `length` samples (after any padding). */
export function frameCount(length: number, frameLength: number, hopLength: number): number {
  if (length < frameLength)
    throw new Error(`frame: input of ${length} samples is shorter than frame_length=${frameLength}`);
  return 1 + Math.floor((length - frameLength) / hopLength);
}

/** Frames of the STFT of a signal of `length` samples. */
export function stftFrameCount(length: number, options: StftOptions = {}): number {
  const o = resolveStft(options);
  return frameCount(o.center ? length + 2 * Math.floor(o.nFft / 2) : length, o.nFft, o.hopLength);
}

/** A complex STFT: `re`/`im` frame-major (`[frame * bins + bin]`), complex64 like librosa's. */
export interface ComplexStft {
  nFft: number;
  bins: number;
  frames: number;
  re: Float32Array;
  im: Float32Array;
}

/**
 * `librosa.stft(y, ...)` (frame-major instead of librosa's bins × frames; values identical). Each frame is
 * windowed and transformed in float64, then rounded to complex64; power-of-two sizes run the frame loop in
 * WebAssembly when it is built (same operations, same bits: see fft-wasm.ts).
 */
export function stft(y: Float32Array, options: StftOptions = {}): ComplexStft {
  const o = resolveStft(options);
  const signal = o.center ? padSignal(y, Math.floor(o.nFft / 2), o.padMode) : y;
  const frames = frameCount(signal.length, o.nFft, o.hopLength);
  const window = stftWindow(o.window, o.winLength, o.nFft);
  const bins = (o.nFft >> 1) + 1;
  const out: ComplexStft = {
    nFft: o.nFft,
    bins,
    frames,
    re: new Float32Array(bins * frames),
    im: new Float32Array(bins * frames),
  };
  if (wasmFrameKernels(o.nFft)?.stftFrames(signal, frames, o.hopLength, window, out.re, out.im)) return out;
  const fft = realFft(o.nFft);
  const buffer = new Float64Array(o.nFft);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  for (let t = 0; t < frames; t++) {
    const start = t * o.hopLength;
    for (let j = 0; j < o.nFft; j++) buffer[j] = window[j] * signal[start + j];
    fft.forward(buffer, re, im);
    out.re.set(re, t * bins);
    out.im.set(im, t * bins);
  }
  return out;
}

/** Options of {@link spectrogram}. */
export interface SpectrogramOptions extends StftOptions {
  /** Exponent of the magnitude: 1 magnitude, 2 power. Default 1 (librosa's `_spectrogram`). */
  power?: number;
}

/** `np.abs(librosa.stft(y, ...)) ** power`, rounded as librosa's complex64 → float32 path rounds. */
export function spectrogram(y: Float32Array, options: SpectrogramOptions = {}): Spectrogram {
  const power = options.power ?? 1;
  if (!(power > 0)) throw new Error(`spectrogram: power must be positive, got ${power}`);
  const { nFft, bins, frames, re, im } = stft(y, options);
  const data = new Float32Array(bins * frames);
  for (let k = 0; k < data.length; k++) {
    const r = re[k];
    const i = im[k];
    // hypotf in float64 then rounded, as glibc computes it for np.abs on complex64.
    const magnitude = Math.fround(Math.sqrt(r * r + i * i));
    data[k] = power === 1 ? magnitude : power === 2 ? magnitude * magnitude : magnitude ** power;
  }
  return { nFft, bins, frames, power, data };
}

/** `librosa.fft_frequencies(sr, n_fft)`: the centre frequency of each bin, as `np.fft.rfftfreq` computes it. */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const step = 1.0 / (nFft * (1.0 / sr));
  const out = new Float64Array((nFft >> 1) + 1);
  for (let k = 0; k < out.length; k++) out[k] = k * step;
  return out;
}
