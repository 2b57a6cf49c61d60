/**
 * Fundamental-frequency estimation with YIN (de Cheveigné & Kawahara 2002), as `librosa.yin` (0.10)
 * computes it: the cumulative-mean-normalised difference function from an FFT autocorrelation, parabolic
 * refinement, and the first trough below an absolute threshold (else the global minimum).
 */
import { realFft } from '../dsp/fft';
import { inverseRealFft } from '../dsp/istft';
import { frameCount, padSignal, type PadMode } from '../dsp/spectrum';

/** `librosa.util.tiny` of float64: keeps 0 / 0 out of the normalised difference on silence. */
const TINY64 = 2.2250738585072014e-308;

/** Options of {@link yin}; names and defaults are librosa's (`fmin` and `fmax` are required there too). */
export interface YinOptions {
  /** Lowest frequency searched, Hz. */
  fmin: number;
  /** Highest frequency searched, Hz. */
  fmax: number;
  /** Sample rate, Hz. Default 22050. */
  sr?: number;
  /** Samples per analysis frame (a power of two for speed). Default 2048. */
  frameLength?: number;
  /** Samples in the difference window. Default `frameLength / 2`. */
  winLength?: number;
  /** Samples between frames. Default `frameLength / 4`. */
  hopLength?: number;
  /** A trough of the normalised difference below this is taken as the period. Default 0.1. */
  troughThreshold?: number;
  /** Pad `frameLength / 2` samples at both ends so frame t is centred on sample `t * hopLength`. Default true. */
  center?: boolean;
  /** How `center` pads. Default 'constant'. */
  padMode?: PadMode;
}

/** A pitch track: one value per frame. */
export interface PitchTrack {
  /** `librosa.yin`'s output: the F0 estimate of each frame, Hz. */
  f0: Float64Array;
  /**
   * The normalised difference at the chosen period (YIN's aperiodicity): below `troughThreshold` the frame
   * had a clear period; otherwise F0 is the global minimum's, a guess (silence, noise, unvoiced speech).
   */
  aperiodicity: Float64Array;
  /** Samples between frames (frame t is centred on sample `t * hopLength` when `center`). */
  hopLength: number;
}

/**
 * `librosa.yin(y, fmin=fmin, fmax=fmax, sr=sr, ...)` plus each frame's aperiodicity, so callers can keep
 * only the clearly periodic (voiced) frames.
 */
export function yin(y: Float32Array, options: YinOptions): PitchTrack {
  const sr = options.sr ?? 22050;
  const frameLength = options.frameLength ?? 2048;
  const winLength = options.winLength ?? Math.floor(frameLength / 2);
  const hopLength = options.hopLength ?? Math.floor(frameLength / 4);
  const threshold = options.troughThreshold ?? 0.1;
  const { fmin, fmax } = options;
  if (!(fmin > 0 && fmax > fmin && fmax <= sr / 2))
    throw new Error(`yin: need 0 < fmin < fmax <= sr / 2, got fmin=${fmin} fmax=${fmax} sr=${sr}`);
  if (!(winLength >= 1 && winLength < frameLength))
    throw new Error(`yin: winLength must be in [1, frameLength), got ${winLength}`);
  const minPeriod = Math.floor(sr / fmax);
  const maxPeriod = Math.min(Math.ceil(sr / fmin), frameLength - winLength - 1);
  if (minPeriod < 1 || maxPeriod <= minPeriod + 1)
    throw new Error(`yin: the period range [${minPeriod}, ${maxPeriod}] is too narrow for this frame length`);

  const signal =
    options.center === false ? y : padSignal(y, Math.floor(frameLength / 2), options.padMode ?? 'constant');
  const frames = frameCount(signal.length, frameLength, hopLength);
  const fft = realFft(frameLength);
  const ifft = inverseRealFft(frameLength);
  const bins = frameLength / 2 + 1;
  const buf = new Float64Array(frameLength);
  const aRe = new Float64Array(bins);
  const aIm = new Float64Array(bins);
  const bRe = new Float64Array(bins);
  const bIm = new Float64Array(bins);
  const acf = new Float64Array(frameLength);
  const energy = new Float64Array(maxPeriod + 1);
  const diff = new Float64Array(maxPeriod + 1);
  const count = maxPeriod - minPeriod + 1;
  const cmnd = new Float64Array(count);
  const f0 = new Float64Array(frames);
  const aperiodicity = new Float64Array(frames);

  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    // Autocorrelation a ⋆ b of the frame with its first winLength samples reversed (librosa's FFT route).
    for (let j = 0; j < frameLength; j++) buf[j] = signal[start + j];
    fft.forward(buf, aRe, aIm);
    buf.fill(0);
    for (let j = 0; j < winLength; j++) buf[j] = signal[start + winLength - j];
    fft.forward(buf, bRe, bIm);
    for (let k = 0; k < bins; k++) {
      const r = aRe[k] * bRe[k] - aIm[k] * bIm[k];
      const i = aRe[k] * bIm[k] + aIm[k] * bRe[k];
      bRe[k] = r;
      bIm[k] = i;
    }
    ifft.inverse(bRe, bIm, acf);
    // energy[τ] = Σ_{j=τ+1}^{τ+W} x_j², by a running sum; tiny values are zeroed as librosa does.
    let e = 0;
    for (let j = 1; j <= winLength; j++) e += signal[start + j] ** 2;
    for (let tau = 0; tau <= maxPeriod; tau++) {
      if (tau > 0) e += signal[start + tau + winLength] ** 2 - signal[start + tau] ** 2;
      energy[tau] = Math.abs(e) < 1e-6 ? 0 : e;
    }
    for (let tau = 0; tau <= maxPeriod; tau++) {
      let c = acf[winLength + tau];
      if (Math.abs(c) < 1e-6) c = 0;
      diff[tau] = energy[0] + energy[tau] - 2 * c;
    }
    // Cumulative mean normalisation over τ = 1..maxPeriod, kept for τ in [minPeriod, maxPeriod].
    let cumulative = 0;
    for (let tau = 1; tau <= maxPeriod; tau++) {
      cumulative += diff[tau];
      if (tau >= minPeriod) cmnd[tau - minPeriod] = diff[tau] / (cumulative / tau + TINY64);
    }
    // First trough below the threshold, else the global minimum.
    let chosen = -1;
    let globalMin = 0;
    for (let k = 0; k < count; k++) {
      if (cmnd[k] < cmnd[globalMin]) globalMin = k;
      if (chosen >= 0) continue;
      const trough =
        k === 0 ? cmnd[0] < cmnd[1] : cmnd[k] < cmnd[k - 1] && (k === count - 1 || cmnd[k] <= cmnd[k + 1]);
      if (trough && cmnd[k] < threshold) chosen = k;
    }
    if (chosen < 0) chosen = globalMin;
    let shift = 0;
    if (chosen > 0 && chosen < count - 1) {
      const a = cmnd[chosen + 1] + cmnd[chosen - 1] - 2 * cmnd[chosen];
      const b = (cmnd[chosen + 1] - cmnd[chosen - 1]) / 2;
      shift = Math.abs(b) >= Math.abs(a) ? 0 : -b / a;
    }
    f0[t] = sr / (minPeriod + chosen + shift);
    aperiodicity[t] = cmnd[chosen];
  }
  return { f0, aperiodicity, hopLength };
}
