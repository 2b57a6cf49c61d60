/**
 * Spectral shape features with librosa 0.10's definitions (`feature.spectral_centroid`, `_bandwidth`,
 * `_rolloff`, `_contrast`), computed on a magnitude spectrogram (librosa's default `power=1`). Each takes a
 * signal (plus STFT options) or an existing {@link Spectrogram}.
 */
import { powerToDb } from './mel';
import { fftFrequencies, spectrogram, type StftOptions } from '../dsp/spectrum';
import { featureMatrix, roundHalfEven, type FeatureMatrix, type Spectrogram } from './types';

/** Common options: the rate, and the STFT used when a signal is given. */
export interface SpectralOptions extends StftOptions {
  /** Sample rate (Hz). Default 22050. */
  sr?: number;
}

const FLOAT32_TINY = 1.1754943508222875e-38;

function magnitudeOf(input: Float32Array | Spectrogram, options: SpectralOptions): Spectrogram {
  return input instanceof Float32Array ? spectrogram(input, { ...options, power: 1 }) : input;
}

/**
 * `librosa.feature.spectral_centroid(y=y, sr=22050, n_fft=2048, hop_length=512)`: the magnitude-weighted mean
 * frequency of each frame (Hz). `1 × frames`.
 */
export function spectralCentroid(
  input: Float32Array | Spectrogram,
  options: SpectralOptions = {},
): FeatureMatrix {
  const S = magnitudeOf(input, options);
  const freq = fftFrequencies(options.sr ?? 22050, S.nFft);
  const out = featureMatrix(1, S.frames);
  for (let t = 0; t < S.frames; t++) out.data[t] = centroidOfFrame(S, t, freq);
  return out;
}

/** One frame's centroid, with librosa's L1 normalisation (`util.normalize(S, norm=1)`, float32 result). */
function centroidOfFrame(S: Spectrogram, t: number, freq: Float64Array): number {
  const base = t * S.bins;
  let length = 0;
  for (let f = 0; f < S.bins; f++) length += Math.abs(S.data[base + f]);
  if (length < FLOAT32_TINY) length = 1;
  let c = 0;
  for (let f = 0; f < S.bins; f++) c += freq[f] * Math.fround(S.data[base + f] / length);
  return c;
}

/** Options of {@link spectralBandwidth}. */
export interface BandwidthOptions extends SpectralOptions {
  /** Order of the deviation. Default 2. */
  p?: number;
  /** Normalise each frame to unit L1 norm first. Default true. */
  norm?: boolean;
}

/**
 * `librosa.feature.spectral_bandwidth(y=y, sr=22050, p=2, norm=True)`:
 * `(Σ_f S[f] |freq[f] − centroid|^p)^(1/p)` per frame (Hz). `1 × frames`.
 */
export function spectralBandwidth(
  input: Float32Array | Spectrogram,
  options: BandwidthOptions = {},
): FeatureMatrix {
  const S = magnitudeOf(input, options);
  const p = options.p ?? 2;
  const norm = options.norm ?? true;
  const freq = fftFrequencies(options.sr ?? 22050, S.nFft);
  const out = featureMatrix(1, S.frames);
  for (let t = 0; t < S.frames; t++) {
    const base = t * S.bins;
    const centroid = centroidOfFrame(S, t, freq);
    let length = 1;
    if (norm) {
      length = 0;
      for (let f = 0; f < S.bins; f++) length += Math.abs(S.data[base + f]);
      if (length < FLOAT32_TINY) length = 1;
    }
    let sum = 0;
    for (let f = 0; f < S.bins; f++) {
      const w = norm ? Math.fround(S.data[base + f] / length) : S.data[base + f];
      sum += w * Math.abs(freq[f] - centroid) ** p;
    }
    out.data[t] = sum ** (1 / p);
  }
  return out;
}

/** Options of {@link spectralRolloff}. */
export interface RolloffOptions extends SpectralOptions {
  /** Fraction of the frame's total magnitude below the rolloff frequency. Default 0.85. */
  rollPercent?: number;
}

/**
 * `librosa.feature.spectral_rolloff(y=y, sr=22050, roll_percent=0.85)`: the lowest bin frequency at which
 * the (float32) cumulative magnitude reaches `rollPercent` of the frame's total. `1 × frames`.
 */
export function spectralRolloff(
  input: Float32Array | Spectrogram,
  options: RolloffOptions = {},
): FeatureMatrix {
  const rollPercent = options.rollPercent ?? 0.85;
  if (!(rollPercent > 0 && rollPercent < 1))
    throw new Error('spectralRolloff: rollPercent must lie in (0, 1)');
  const S = magnitudeOf(input, options);
  const freq = fftFrequencies(options.sr ?? 22050, S.nFft);
  const out = featureMatrix(1, S.frames);
  const cumulative = new Float32Array(S.bins);
  for (let t = 0; t < S.frames; t++) {
    const base = t * S.bins;
    let acc = 0;
    for (let f = 0; f < S.bins; f++) cumulative[f] = acc = Math.fround(acc + S.data[base + f]);
    const threshold = Math.fround(rollPercent * acc);
    let f = 0;
    while (f < S.bins - 1 && cumulative[f] < threshold) f++;
    out.data[t] = freq[f];
  }
  return out;
}

/** Options of {@link spectralContrast}. */
export interface ContrastOptions extends SpectralOptions {
  /** Upper edge of the lowest band (Hz); later bands double. Default 200. */
  fmin?: number;
  /** Octave bands above the lowest one. Default 6. */
  nBands?: number;
  /** Fraction of each band's bins averaged for its peak and valley. Default 0.02. */
  quantile?: number;
  /** Peak − valley instead of their dB difference. Default false. */
  linear?: boolean;
}

/**
 * `librosa.feature.spectral_contrast(y=y, sr=22050, fmin=200, n_bands=6, quantile=0.02, linear=False)`: per
 * octave band, the dB difference between the mean of its top and bottom `quantile` magnitudes (dB via
 * `power_to_db` with its defaults, clipped over the whole clip as librosa does). `(nBands + 1) × frames`.
 */
export function spectralContrast(
  input: Float32Array | Spectrogram,
  options: ContrastOptions = {},
): FeatureMatrix {
  const sr = options.sr ?? 22050;
  const fmin = options.fmin ?? 200;
  const nBands = options.nBands ?? 6;
  const quantile = options.quantile ?? 0.02;
  if (!(quantile > 0 && quantile < 1)) throw new Error('spectralContrast: quantile must lie in (0, 1)');
  if (!(fmin > 0)) throw new Error('spectralContrast: fmin must be positive');
  if (!Number.isInteger(nBands) || nBands < 1)
    throw new Error('spectralContrast: nBands must be a positive integer');
  const octa = [0, ...Array.from({ length: nBands + 1 }, (_, k) => fmin * 2.0 ** k)];
  if (octa.slice(0, -1).some((f) => f >= 0.5 * sr))
    throw new Error('spectralContrast: frequency band exceeds Nyquist; reduce fmin or nBands');
  const S = magnitudeOf(input, options);
  const freq = fftFrequencies(sr, S.nFft);
  // Each band's bins [lo, hi) and how many of its sorted magnitudes are averaged.
  const bands = Array.from({ length: nBands + 1 }, (_, k) => {
    let lo = -1;
    let hi = -1;
    for (let f = 0; f < S.bins; f++)
      if (freq[f] >= octa[k] && freq[f] <= octa[k + 1]) {
        if (lo < 0) lo = f;
        hi = f + 1;
      }
    if (lo < 0) throw new Error(`spectralContrast: band ${k} holds no FFT bin; increase nFft`);
    if (k > 0) lo -= 1;
    if (k === nBands) hi = S.bins;
    const count = hi - lo;
    return { lo, hi: k < nBands ? hi - 1 : hi, take: Math.max(1, roundHalfEven(quantile * count)) };
  });
  const peak = featureMatrix(nBands + 1, S.frames);
  const valley = featureMatrix(nBands + 1, S.frames);
  const maxTake = Math.max(...bands.map((b) => b.take));
  const smallest = new Float64Array(maxTake);
  const largest = new Float64Array(maxTake);
  for (let t = 0; t < S.frames; t++) {
    const base = t * S.bins;
    bands.forEach(({ lo, hi, take }, k) => {
      // The `take` smallest and largest magnitudes (what librosa's full sort is used for), kept sorted by
      // insertion: after the first few bins almost every value is rejected by one comparison.
      let n = 0;
      for (let f = lo; f < hi; f++) {
        const v = S.data[base + f];
        if (n < take) {
          let i = n++;
          while (i > 0 && smallest[i - 1] > v) smallest[i] = smallest[--i];
          smallest[i] = v;
          i = n - 1;
          while (i > 0 && largest[i - 1] < v) largest[i] = largest[--i];
          largest[i] = v;
          continue;
        }
        if (v < smallest[take - 1]) {
          let i = take - 1;
          while (i > 0 && smallest[i - 1] > v) smallest[i] = smallest[--i];
          smallest[i] = v;
        }
        if (v > largest[take - 1]) {
          let i = take - 1;
          while (i > 0 && largest[i - 1] < v) largest[i] = largest[--i];
          largest[i] = v;
        }
      }
      let low = 0;
      let high = 0;
      for (let i = 0; i < take; i++) {
        low += smallest[i];
        high += largest[i];
      }
      valley.data[k * S.frames + t] = low / take;
      peak.data[k * S.frames + t] = high / take;
    });
  }
  const out = featureMatrix(nBands + 1, S.frames);
  if (options.linear) {
    for (let i = 0; i < out.data.length; i++) out.data[i] = peak.data[i] - valley.data[i];
    return out;
  }
  const peakDb = powerToDb(peak);
  const valleyDb = powerToDb(valley);
  for (let i = 0; i < out.data.length; i++) out.data[i] = peakDb.data[i] - valleyDb.data[i];
  return out;
}
