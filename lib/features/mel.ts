/**
 * Mel filter bank, mel spectrogram, `power_to_db` and MFCC with librosa 0.10's definitions and defaults
 * (`librosa.filters.mel`, `feature.melspectrogram`, `power_to_db`, `feature.mfcc`).
 *
 * The bank is built in float64 and rounded to float32 where librosa stores it (its `dtype=np.float32`);
 * spectrogram × bank products are summed in float64 over each filter's non-zero span only (a filter touches
 * a few bins), which is at least as accurate as librosa's float32 einsum.
 */
import { fastDb } from './fastlog';
import { fftFrequencies, spectrogram, type StftOptions } from '../dsp/spectrum';
import { featureMatrix, type FeatureMatrix, type Spectrogram } from './types';

/** Options of the mel filter bank (`librosa.filters.mel`). */
export interface MelOptions {
  /** Number of mel bands. Default 128. */
  nMels?: number;
  /** Lowest frequency (Hz). Default 0. */
  fmin?: number;
  /** Highest frequency (Hz). Default `sr / 2`. */
  fmax?: number;
  /** HTK mel scale (`2595 log10(1 + f/700)`) instead of Slaney's (linear below 1 kHz, log above). Default false. */
  htk?: boolean;
  /** 'slaney' divides each triangle by its width in Hz (constant area); null leaves peaks at 1. Default 'slaney'. */
  norm?: 'slaney' | null;
}

/** A mel filter bank: dense weights plus each filter's non-zero bin range for the sparse product. */
export interface MelFilterBank {
  nMels: number;
  bins: number;
  /** Row-major `nMels × bins` float32 weights, identical to `librosa.filters.mel`. */
  weights: Float32Array;
  /** Filter m is non-zero only on bins `[start[m], end[m])`. */
  start: Int32Array;
  end: Int32Array;
}

/** `librosa.hz_to_mel`. */
export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595.0 * Math.log10(1.0 + hz / 700.0);
  const fSp = 200.0 / 3;
  const minLogHz = 1000.0;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27.0;
  return hz >= minLogHz ? minLogMel + Math.log(hz / minLogHz) / logStep : hz / fSp;
}

/** `librosa.mel_to_hz`. */
export function melToHz(mel: number, htk = false): number {
  if (htk) return 700.0 * (10.0 ** (mel / 2595.0) - 1.0);
  const fSp = 200.0 / 3;
  const minLogHz = 1000.0;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27.0;
  return mel >= minLogMel ? minLogHz * Math.exp(logStep * (mel - minLogMel)) : fSp * mel;
}

/** `librosa.mel_frequencies(n, fmin, fmax, htk)`: `n` frequencies evenly spaced on the mel scale. */
export function melFrequencies(n: number, fmin = 0, fmax = 11025, htk = false): Float64Array {
  const minMel = hzToMel(fmin, htk);
  const maxMel = hzToMel(fmax, htk);
  const out = new Float64Array(n);
  const step = (maxMel - minMel) / (n - 1);
  // np.linspace: i * step + start, with the last point set to stop exactly.
  for (let i = 0; i < n; i++) out[i] = melToHz(i === n - 1 && n > 1 ? maxMel : i * step + minMel, htk);
  return out;
}

const melBanks = new Map<string, MelFilterBank>();

/**
 * `librosa.filters.mel(sr=sr, n_fft=nFft, n_mels=128, fmin=0, fmax=sr/2, htk=False, norm='slaney')`.
 * Cached per configuration (never "first call wins"); do not modify the result.
 */
export function melFilterBank(sr: number, nFft: number, options: MelOptions = {}): MelFilterBank {
  const nMels = options.nMels ?? 128;
  const fmin = options.fmin ?? 0;
  const fmax = options.fmax ?? sr / 2;
  const htk = options.htk ?? false;
  const norm = options.norm === undefined ? 'slaney' : options.norm;
  const key = JSON.stringify([sr, nFft, nMels, fmin, fmax, htk, norm]);
  const cached = melBanks.get(key);
  if (cached) return cached;
  if (!Number.isInteger(nMels) || nMels < 1)
    throw new Error(`melFilterBank: nMels must be a positive integer`);
  const bins = (nFft >> 1) + 1;
  const fftFreqs = fftFrequencies(sr, nFft);
  const melF = melFrequencies(nMels + 2, fmin, fmax, htk);
  const weights = new Float32Array(nMels * bins);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const lowerWidth = melF[m + 1] - melF[m];
    const upperWidth = melF[m + 2] - melF[m + 1];
    const enorm = norm === 'slaney' ? 2.0 / (melF[m + 2] - melF[m]) : 1;
    let first = bins;
    let last = -1;
    for (let f = 0; f < bins; f++) {
      const lower = -(melF[m] - fftFreqs[f]) / lowerWidth;
      const upper = (melF[m + 2] - fftFreqs[f]) / upperWidth;
      // librosa stores the triangle in float32, then scales it in place by the float64 enorm.
      const w = Math.fround(Math.max(0, Math.min(lower, upper)));
      const v = norm === 'slaney' ? Math.fround(w * enorm) : w;
      weights[m * bins + f] = v;
      if (v !== 0) {
        if (f < first) first = f;
        last = f;
      }
    }
    start[m] = last < 0 ? 0 : first;
    end[m] = last < 0 ? 0 : last + 1;
  }
  const bank = { nMels, bins, weights, start, end };
  melBanks.set(key, bank);
  return bank;
}

/** Apply a mel bank to one spectrum frame (`spectrum[offset .. offset + bins)`) into `out[outOffset + m * stride]`. */
export function applyMelFrame(
  bank: MelFilterBank,
  spectrum: Float32Array,
  offset: number,
  out: Float32Array | Float64Array,
  outOffset: number,
  stride: number,
): void {
  const { weights, start, end, bins } = bank;
  for (let m = 0; m < bank.nMels; m++) {
    const row = m * bins;
    let sum = 0;
    for (let f = start[m]; f < end[m]; f++) sum += weights[row + f] * spectrum[offset + f];
    out[outOffset + m * stride] = sum;
  }
}

/** Options of {@link melspectrogram}: STFT, mel bank and the spectrogram exponent. */
export interface MelSpectrogramOptions extends StftOptions, MelOptions {
  /** Sample rate of `y` (Hz). Default 22050. */
  sr?: number;
  /** Exponent of the magnitude spectrogram. Default 2 (power). */
  power?: number;
}

/** Mel spectrogram of an existing spectrogram (librosa's `melspectrogram(S=S, ...)`). */
export function melFromSpectrogram(S: Spectrogram, sr = 22050, options: MelOptions = {}): FeatureMatrix {
  const bank = melFilterBank(sr, S.nFft, options);
  const out = featureMatrix(bank.nMels, S.frames);
  for (let t = 0; t < S.frames; t++) applyMelFrame(bank, S.data, t * S.bins, out.data, t, S.frames);
  return out;
}

/**
 * `librosa.feature.melspectrogram(y=y, sr=22050, n_fft=2048, hop_length=512, power=2.0, n_mels=128, ...)`:
 * an `nMels × frames` matrix.
 */
export function melspectrogram(y: Float32Array, options: MelSpectrogramOptions = {}): FeatureMatrix {
  const S = spectrogram(y, { ...options, power: options.power ?? 2 });
  return melFromSpectrogram(S, options.sr ?? 22050, options);
}

/** Options of {@link powerToDb}. */
export interface PowerToDbOptions {
  /** Reference power (0 dB), or 'max' for the input's maximum (librosa's `ref=np.max`). Default 1.0. */
  ref?: number | 'max';
  /** Floor applied before the log. Default 1e-10. */
  amin?: number;
  /** Clip to this many dB below the (whole input's) peak; null for no clipping. Default 80. */
  topDb?: number | null;
}

/**
 * `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`: `10 log10(max(amin, S) / max(amin, ref))`,
 * clipped below at `max - topDb` over the whole matrix. Returns a new matrix of the same shape.
 */
export function powerToDb(S: FeatureMatrix, options: PowerToDbOptions = {}): FeatureMatrix {
  const amin = options.amin ?? 1e-10;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  if (!(amin > 0)) throw new Error('powerToDb: amin must be strictly positive');
  if (topDb !== null && topDb < 0) throw new Error('powerToDb: topDb must be non-negative');
  let refValue: number;
  if (options.ref === 'max') {
    refValue = 0;
    for (let i = 0; i < S.data.length; i++) if (S.data[i] > refValue) refValue = S.data[i];
  } else refValue = Math.abs(options.ref ?? 1.0);
  const refDb = fastDb(Math.max(amin, refValue));
  const out = featureMatrix(S.rows, S.cols);
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = fastDb(Math.max(amin, S.data[i])) - refDb;
  return topDb === null ? out : clipTopDb(out, topDb);
}

/**
 * `power_to_db`'s `top_db` step in place: values below the matrix's peak − `topDb` are raised to it. Apart
 * so that a stream can convert frames to dB once and clip each window by its own peak.
 */
export function clipTopDb(db: FeatureMatrix, topDb: number): FeatureMatrix {
  return raiseToFloor(db, topDbFloor(db, topDb));
}

/** The floor `top_db` clips a dB matrix at: its peak − `topDb`. */
export function topDbFloor(db: FeatureMatrix, topDb: number): number {
  const d = db.data;
  let peak = -Infinity;
  for (let i = 0; i < d.length; i++) if (d[i] > peak) peak = d[i];
  return peak - topDb;
}

/** Raise values below `floor` to it, in place (`top_db`'s clipping at a known floor). */
export function raiseToFloor(db: FeatureMatrix, floor: number): FeatureMatrix {
  const d = db.data;
  for (let i = 0; i < d.length; i++) if (d[i] < floor) d[i] = floor;
  return db;
}

/** Orthonormal DCT-II matrix rows 0..nOut-1 for inputs of length n (`scipy.fftpack.dct(norm='ortho')`). */
const dctMatrices = new Map<string, Float64Array>();
export function dctMatrix(n: number, nOut: number): Float64Array {
  const key = `${n}/${nOut}`;
  let m = dctMatrices.get(key);
  if (!m) {
    m = new Float64Array(nOut * n);
    for (let k = 0; k < nOut; k++) {
      const scale = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
      for (let i = 0; i < n; i++) m[k * n + i] = scale * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
    }
    dctMatrices.set(key, m);
  }
  return m;
}

/** The MFCC lifter weights `1 + (lifter / 2) sin(π (k + 1) / lifter)`, or undefined for lifter 0. */
export function lifterWeights(nMfcc: number, lifter: number): Float64Array | undefined {
  if (lifter < 0) throw new Error(`mfcc: lifter must be non-negative, got ${lifter}`);
  if (lifter === 0) return undefined;
  const w = new Float64Array(nMfcc);
  for (let k = 0; k < nMfcc; k++)
    w[k] = 1 + (lifter / 2) * Math.fround(Math.sin((Math.PI * (k + 1)) / lifter));
  return w;
}

/** Options of {@link mfcc}. */
export interface MfccOptions extends MelSpectrogramOptions {
  /** Coefficients kept. Default 20. */
  nMfcc?: number;
  /** Cepstral liftering (0: none). Default 0. */
  lifter?: number;
}

/**
 * MFCC of a log-power mel spectrogram (librosa's `mfcc(S=S, n_mfcc, dct_type=2, norm='ortho', lifter)`):
 * orthonormal DCT-II down each frame, first `nMfcc` coefficients.
 */
export function mfccFromLogMel(logMel: FeatureMatrix, nMfcc = 20, lifter = 0): FeatureMatrix {
  const n = logMel.rows;
  if (nMfcc > n) throw new Error(`mfcc: nMfcc ${nMfcc} exceeds the ${n} mel bands`);
  const dct = dctMatrix(n, nMfcc);
  const lift = lifterWeights(nMfcc, lifter);
  const frames = logMel.cols;
  const out = featureMatrix(nMfcc, frames);
  // cos(πk(2i+1)/2n) is symmetric in i ↔ n−1−i for even k and antisymmetric for odd k, so even rows only
  // need x[i] + x[n−1−i] and odd rows x[i] − x[n−1−i]: half the multiplications.
  const halfN = n >> 1;
  const sums = new Float64Array(halfN + 1);
  const diffs = new Float64Array(halfN + 1);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < halfN; i++) {
      const a = logMel.data[i * frames + t];
      const b = logMel.data[(n - 1 - i) * frames + t];
      sums[i] = a + b;
      diffs[i] = a - b;
    }
    // The middle element of an odd length pairs with itself (its odd-row cosine is 0).
    sums[halfN] = n % 2 === 1 ? logMel.data[halfN * frames + t] : 0;
    const terms = halfN + (n % 2);
    // Rows of one parity share their source: four at a time share each load (each sum keeps its order).
    let k = 0;
    for (; k + 8 <= nMfcc; k += 8)
      for (let parity = 0; parity < 2; parity++) {
        const source = parity === 0 ? sums : diffs;
        const k0 = k + parity;
        const r0 = k0 * n;
        const r1 = r0 + 2 * n;
        const r2 = r1 + 2 * n;
        const r3 = r2 + 2 * n;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < terms; i++) {
          const x = source[i];
          s0 += dct[r0 + i] * x;
          s1 += dct[r1 + i] * x;
          s2 += dct[r2 + i] * x;
          s3 += dct[r3 + i] * x;
        }
        out.data[k0 * frames + t] = lift ? Math.fround(s0) * lift[k0] : s0;
        out.data[(k0 + 2) * frames + t] = lift ? Math.fround(s1) * lift[k0 + 2] : s1;
        out.data[(k0 + 4) * frames + t] = lift ? Math.fround(s2) * lift[k0 + 4] : s2;
        out.data[(k0 + 6) * frames + t] = lift ? Math.fround(s3) * lift[k0 + 6] : s3;
      }
    for (; k < nMfcc; k++) {
      const source = k % 2 === 0 ? sums : diffs;
      const row = k * n;
      let sum = 0;
      for (let i = 0; i < terms; i++) sum += dct[row + i] * source[i];
      out.data[k * frames + t] = lift ? Math.fround(sum) * lift[k] : sum;
    }
  }
  return out;
}

/**
 * `librosa.feature.mfcc(y=y, sr=22050, n_mfcc=20, dct_type=2, norm='ortho', lifter=0, **melspectrogram
 * kwargs)`: DCT of `power_to_db(melspectrogram(y))` with power_to_db's defaults (ref 1, amin 1e-10,
 * top_db 80 over the whole clip). `nMfcc × frames`.
 */
export function mfcc(y: Float32Array, options: MfccOptions = {}): FeatureMatrix {
  return mfccFromLogMel(powerToDb(melspectrogram(y, options)), options.nMfcc ?? 20, options.lifter ?? 0);
}
