/**
 * Chroma from a power spectrogram with librosa 0.10's definitions: `filters.chroma` (Ellis' Gaussian
 * chroma bank), `estimate_tuning` (via `piptrack` and `pitch_tuning`) and `feature.chroma_stft`.
 *
 * `estimate_tuning` is reproduced step by step, including where librosa computes in float32 (piptrack runs
 * on the float32 spectrogram; the pitch residuals are float32), because its result is a histogram peak
 * quantised to 0.01 bin and a different rounding could move a pitch across a bin edge.
 */
import { fftFrequencies, spectrogram, type StftOptions } from '../dsp/spectrum';
import { featureMatrix, roundHalfEven, type FeatureMatrix, type Spectrogram } from './types';

/** Options of the chroma filter bank (`librosa.filters.chroma`). */
export interface ChromaFilterOptions {
  /** Chroma bins per octave. Default 12. */
  nChroma?: number;
  /** Tuning offset from A440 in fractions of a chroma bin. Default 0. */
  tuning?: number;
  /** Centre (in octaves above C0 ≈ 16 Hz) of the Gaussian octave weighting. Default 5.0. */
  ctroct?: number;
  /** Width (octaves) of the octave weighting; null for flat. Default 2. */
  octwidth?: number | null;
  /** Normalisation of each bin's column before octave weighting: 2 (L2) or null. Default 2. */
  norm?: 2 | null;
  /** Start the bins at C (true) or at A (false). Default true. */
  baseC?: boolean;
}

/** Python's modulo (result has the divisor's sign), as `np.remainder`. */
function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

const chromaBanks = new Map<string, Float32Array>();

/**
 * `librosa.filters.chroma(sr=sr, n_fft=nFft, n_chroma=12, tuning=0.0, ctroct=5.0, octwidth=2, norm=2,
 * base_c=True)`: a row-major `nChroma × (nFft/2 + 1)` float32 matrix. Cached per configuration.
 */
export function chromaFilterBank(sr: number, nFft: number, options: ChromaFilterOptions = {}): Float32Array {
  const nChroma = options.nChroma ?? 12;
  const tuning = options.tuning ?? 0;
  const ctroct = options.ctroct ?? 5.0;
  const octwidth = options.octwidth === undefined ? 2 : options.octwidth;
  const norm = options.norm === undefined ? 2 : options.norm;
  const baseC = options.baseC ?? true;
  const key = JSON.stringify([sr, nFft, nChroma, tuning, ctroct, octwidth, norm, baseC]);
  const cached = chromaBanks.get(key);
  if (cached) return cached;

  // frqbins: each FFT bin's position in chroma bins above C0 (bin 0 invented 1.5 octaves below bin 1).
  const a440 = 440.0 * 2.0 ** (tuning / nChroma);
  const step = sr / nFft;
  const frqbins = new Float64Array(nFft);
  for (let i = 1; i < nFft; i++) frqbins[i] = nChroma * Math.log2((i * step) / (a440 / 16));
  frqbins[0] = frqbins[1] - 1.5 * nChroma;
  const binWidth = new Float64Array(nFft);
  for (let i = 0; i < nFft - 1; i++) binWidth[i] = Math.max(frqbins[i + 1] - frqbins[i], 1.0);
  binWidth[nFft - 1] = 1;

  const half = roundHalfEven(nChroma / 2);
  const bins = (nFft >> 1) + 1;
  const wts = new Float64Array(nChroma * nFft);
  for (let c = 0; c < nChroma; c++)
    for (let f = 0; f < nFft; f++) {
      const d = remainder(frqbins[f] - c + half + 10 * nChroma, nChroma) - half;
      wts[c * nFft + f] = Math.exp(-0.5 * ((2 * d) / binWidth[f]) ** 2);
    }
  if (norm === 2)
    for (let f = 0; f < nFft; f++) {
      let sq = 0;
      for (let c = 0; c < nChroma; c++) sq += wts[c * nFft + f] ** 2;
      const length = Math.sqrt(sq);
      if (length >= Number.MIN_VALUE * 2 ** 52) for (let c = 0; c < nChroma; c++) wts[c * nFft + f] /= length;
    }
  if (octwidth !== null)
    for (let f = 0; f < nFft; f++) {
      const g = Math.exp(-0.5 * ((frqbins[f] / nChroma - ctroct) / octwidth) ** 2);
      for (let c = 0; c < nChroma; c++) wts[c * nFft + f] *= g;
    }
  const roll = baseC ? 3 * Math.floor(nChroma / 12) : 0;
  const bank = new Float32Array(nChroma * bins);
  for (let c = 0; c < nChroma; c++) {
    const from = (c + roll) % nChroma;
    for (let f = 0; f < bins; f++) bank[c * bins + f] = wts[from * nFft + f];
  }
  chromaBanks.set(key, bank);
  return bank;
}

/** Options of {@link piptrack} / {@link estimateTuning}. */
export interface PiptrackOptions {
  /** Sample rate (Hz). Default 22050. */
  sr?: number;
  /** Lowest pitch considered (Hz). Default 150. */
  fmin?: number;
  /** Highest pitch considered (Hz, exclusive). Default 4000. */
  fmax?: number;
  /** Peaks below `threshold × the frame's maximum` are ignored. Default 0.1. */
  threshold?: number;
}

/** Pitches and magnitudes of the spectral peaks `librosa.piptrack` finds (its non-zero entries only). */
export interface PitchPeaks {
  /** Interpolated peak frequencies (Hz), float32 as librosa stores them. */
  pitches: Float32Array;
  /** Interpolated peak magnitudes. */
  magnitudes: Float32Array;
  /** Frame t's peaks are entries `[frameStart[t], frameStart[t + 1])` (length frames + 1). */
  frameStart: Int32Array;
}

/**
 * `librosa.piptrack(S=S, sr=22050, fmin=150, fmax=4000, threshold=0.1)`: in each frame, bins in
 * [fmin, fmax) that are local maxima above `threshold × max`, refined by parabolic interpolation. Returns
 * the peaks in frame order (librosa's dense output holds the same values and zeros elsewhere).
 */
export function piptrack(S: Spectrogram, options: PiptrackOptions = {}): PitchPeaks {
  const sr = options.sr ?? 22050;
  const fmin = Math.max(options.fmin ?? 150, 0);
  const fmax = Math.min(options.fmax ?? 4000, sr / 2);
  const threshold = options.threshold ?? 0.1;
  const freq = fftFrequencies(sr, S.nFft);
  let first = 0;
  while (first < S.bins && !(freq[first] >= fmin)) first++;
  let end = first;
  while (end < S.bins && freq[end] < fmax) end++;
  first = Math.max(first, 1); // librosa's localmax is never true at bin 0
  const pitches: number[] = [];
  const magnitudes: number[] = [];
  const frameStart = new Int32Array(S.frames + 1);
  const last = S.bins - 1;
  const x = S.data;
  const f32 = Math.fround;
  for (let t = 0; t < S.frames; t++) {
    const base = t * S.bins;
    let max = 0;
    for (let f = 0; f < S.bins; f++) if (x[base + f] > max) max = x[base + f];
    // numpy casts the Python float to float32 before the float32 multiply.
    const ref = f32(f32(threshold) * max);
    const masked = (f: number) => (x[base + f] > ref ? x[base + f] : 0);
    for (let f = first; f < end; f++) {
      const v = masked(f);
      if (!(v > masked(f - 1) && (f === last || v >= masked(f + 1)))) continue;
      // Parabolic shift (numba: float32 sums, float64 where an int literal enters), 0 at the edges.
      let shift = 0;
      if (f > 0 && f < last) {
        const a = f32(x[base + f + 1] + x[base + f - 1]) - 2 * x[base + f];
        const b = f32(x[base + f + 1] - x[base + f - 1]) / 2;
        shift = Math.abs(b) >= Math.abs(a) ? 0 : f32(-b / a);
      }
      // np.gradient in float32: central difference inside, one-sided at the ends.
      const avg =
        f === last
          ? f32(x[base + f] - x[base + f - 1])
          : f === 0
            ? f32(x[base + 1] - x[base])
            : f32(f32(x[base + f + 1] - x[base + f - 1]) / 2);
      const dskew = f32(f32(0.5 * avg) * shift);
      pitches.push(f32(((f + shift) * sr) / S.nFft));
      magnitudes.push(f32(x[base + f] + dskew));
    }
    frameStart[t + 1] = pitches.length;
  }
  return { pitches: Float32Array.from(pitches), magnitudes: Float32Array.from(magnitudes), frameStart };
}

/** `np.median` of float32 values (the mean of the two middle ones, in float32). */
function median32(values: Float32Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : Math.fround(Math.fround(sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * `librosa.pitch_tuning(frequencies, resolution=0.01, bins_per_octave=12)`: the most common deviation of the
 * frequencies from the A440 grid, in fractions of a bin (a histogram peak on [-0.5, 0.5)).
 */
export function pitchTuning(frequencies: Float32Array, resolution = 0.01, binsPerOctave = 12): number {
  const f32 = Math.fround;
  const nBins = Math.ceil(1.0 / resolution);
  // np.linspace(-0.5, 0.5, nBins + 1)
  const edges = Float64Array.from({ length: nBins + 1 }, (_, i) =>
    i === nBins ? 0.5 : i * (1.0 / nBins) + -0.5,
  );
  const counts = new Int32Array(nBins);
  let any = false;
  for (const hz of frequencies) {
    if (!(hz > 0)) continue;
    any = true;
    // float32 throughout, as numpy computes on the float32 pitch array.
    let residual = f32(f32(binsPerOctave * f32(Math.log2(f32(hz / (440.0 / 16))))) % 1.0);
    if (residual < 0) residual = f32(residual + 1.0);
    if (residual >= 0.5) residual = f32(residual - 1.0);
    let i = Math.min(
      nBins - 1,
      Math.max(0, Math.floor((residual - edges[0]) * (nBins / (edges[nBins] - edges[0])))),
    );
    if (residual < edges[i]) i--;
    else if (i < nBins - 1 && residual >= edges[i + 1]) i++;
    if (i >= 0) counts[i]++;
  }
  if (!any) return 0.0;
  let best = 0;
  for (let i = 1; i < nBins; i++) if (counts[i] > counts[best]) best = i;
  return edges[best];
}

/**
 * `librosa.estimate_tuning(S=S, sr=22050, bins_per_octave=12)` on a power spectrogram: piptrack's peaks at
 * or above their median magnitude, then {@link pitchTuning}.
 */
export function estimateTuning(
  S: Spectrogram,
  options: PiptrackOptions & { resolution?: number; binsPerOctave?: number } = {},
): number {
  return tuningFromPeaks(piptrack(S, options), options);
}

/**
 * The second half of {@link estimateTuning}, from piptrack's peaks (of any run of frames: a stream joins
 * the peaks of cached frames): those at or above their median magnitude, then {@link pitchTuning}.
 */
export function tuningFromPeaks(
  { pitches, magnitudes }: PitchPeaks,
  options: { resolution?: number; binsPerOctave?: number } = {},
): number {
  const positive = magnitudes.filter((_, i) => pitches[i] > 0);
  const threshold = positive.length > 0 ? median32(positive) : 0;
  const kept = pitches.filter((p, i) => p > 0 && magnitudes[i] >= threshold);
  return pitchTuning(kept, options.resolution ?? 0.01, options.binsPerOctave ?? 12);
}

/** Options of {@link chromaStft}. */
export interface ChromaOptions extends StftOptions, Omit<ChromaFilterOptions, 'tuning'> {
  /** Sample rate (Hz). Default 22050. */
  sr?: number;
  /** Tuning in fractions of a bin; null estimates it from the spectrogram ({@link estimateTuning}). Default null. */
  tuning?: number | null;
  /** Normalisation of each frame: Infinity (max = 1) or null. Default Infinity. */
  frameNorm?: number | null;
}

/**
 * Chroma of an existing power spectrogram (`chroma_stft(S=S, ...)`); also returns the tuning used.
 */
export function chromaFromPower(
  S: Spectrogram,
  options: Omit<ChromaOptions, keyof StftOptions> = {},
): { chroma: FeatureMatrix; tuning: number } {
  const sr = options.sr ?? 22050;
  const nChroma = options.nChroma ?? 12;
  const tuning =
    options.tuning === undefined || options.tuning === null
      ? estimateTuning(S, { sr, binsPerOctave: nChroma })
      : options.tuning;
  const bank = chromaFilterBank(sr, S.nFft, { ...options, tuning, nChroma });
  const frameNorm = options.frameNorm === undefined ? Infinity : options.frameNorm;
  const chroma = featureMatrix(nChroma, S.frames);
  const column = new Float64Array(nChroma);
  for (let t = 0; t < S.frames; t++) {
    chromaFrame(bank, nChroma, S.data, t * S.bins, S.bins, column, frameNorm === Infinity);
    for (let c = 0; c < nChroma; c++) chroma.data[c * S.frames + t] = column[c];
  }
  return { chroma, tuning };
}

/** One frame of chroma: bank × spectrum, optionally scaled so the largest bin is 1 (librosa's norm=inf). */
export function chromaFrame(
  bank: Float32Array,
  nChroma: number,
  spectrum: Float32Array,
  offset: number,
  bins: number,
  out: Float64Array,
  normalize: boolean,
): void {
  // Four rows at a time share each spectrum load.
  let c = 0;
  for (; c + 4 <= nChroma; c += 4) {
    const r0 = c * bins;
    const r1 = r0 + bins;
    const r2 = r1 + bins;
    const r3 = r2 + bins;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < bins; f++) {
      const x = spectrum[offset + f];
      s0 += bank[r0 + f] * x;
      s1 += bank[r1 + f] * x;
      s2 += bank[r2 + f] * x;
      s3 += bank[r3 + f] * x;
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
  }
  for (; c < nChroma; c++) {
    let sum = 0;
    for (let f = 0; f < bins; f++) sum += bank[c * bins + f] * spectrum[offset + f];
    out[c] = sum;
  }
  let max = 0;
  for (let k = 0; k < nChroma; k++) if (Math.abs(out[k]) > max) max = Math.abs(out[k]);
  if (normalize && max >= 1.1754943508222875e-38) for (let k = 0; k < nChroma; k++) out[k] /= max;
}

/**
 * `librosa.feature.chroma_stft(y=y, sr=22050, norm=np.inf, n_fft=2048, hop_length=512, tuning=None,
 * n_chroma=12)`: `nChroma × frames`, each frame scaled to a maximum of 1.
 */
export function chromaStft(y: Float32Array, options: ChromaOptions = {}): FeatureMatrix {
  return chromaFromPower(spectrogram(y, { ...options, power: 2 }), options).chroma;
}
