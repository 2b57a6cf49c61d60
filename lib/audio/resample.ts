import { dspRuntime } from '../engine/dsp';
import { AudioError } from './errors';

/**
 * Chebyshev coefficients of the modified Bessel function I0 (Cephes, as used by scipy.special.i0 and
 * numpy.i0) on [0, 8] and (8, inf).
 */
const I0_A = [
  -4.4153416464793393795e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
  1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
  -4.8564467831119294609e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
  9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9,
  -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7,
  1.11738753912010371815e-6, -4.41673835845875056359e-6, 1.64484480707288970893e-5,
  -5.75419501008210370398e-5, 1.88502885095841655729e-4, -5.76375574538582365885e-4,
  1.63947561694133579842e-3, -4.3243099950505759443e-3, 1.05464603945949983183e-2, -2.37374148058994688156e-2,
  4.93052842396707084878e-2, -9.4901097048047644421e-2, 1.71620901522208775349e-1, -3.04682672343198398683e-1,
  6.76795274409476084995e-1,
];
const I0_B = [
  -7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
  3.4612228676974610931e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
  1.7725601330565263836e-15, 3.81168066935262242075e-15, -9.5548466988283076487e-15,
  -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
  7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
  -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.9406023882249695891e-10,
  3.39623202570838634515e-9, 2.26666899049817806459e-8, 2.04891858946906374183e-7, 2.89137052083475648297e-6,
  6.88975834691682398426e-5, 3.3691164782556940899e-3, 8.04490411014108831608e-1,
];

function chebyshev(x: number, coefficients: readonly number[]): number {
  let b0 = coefficients[0];
  let b1 = 0;
  let b2 = 0;
  for (let i = 1; i < coefficients.length; i++) {
    b2 = b1;
    b1 = b0;
    b0 = x * b1 - b2 + coefficients[i];
  }
  return 0.5 * (b0 - b2);
}

/** Modified Bessel function of the first kind, order 0 (for the Kaiser window). */
export function besselI0(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 8) return Math.exp(ax) * chebyshev(ax / 2 - 2, I0_A);
  return (Math.exp(ax) * chebyshev(32 / ax - 2, I0_B)) / Math.sqrt(ax);
}

/** numpy's pairwise summation (8-way unrolled blocks of up to 128), so sums round as np.sum does. */
function pairwiseSum(values: Float64Array, start: number, count: number): number {
  if (count < 8) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += values[start + i];
    return sum;
  }
  if (count <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < count - (count % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < count; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/**
 * Windowed-sinc low-pass FIR, as `scipy.signal.firwin(taps, cutoff, window=('kaiser', beta))`
 * with cutoff relative to Nyquist and unit DC gain.
 */
export function kaiserLowpass(taps: number, cutoff: number, beta: number): Float64Array {
  const h = new Float64Array(taps);
  const alpha = 0.5 * (taps - 1);
  const i0Beta = besselI0(beta);
  for (let n = 0; n < taps; n++) {
    const m = n - alpha;
    // np.sinc(x) = sin(pi x) / (pi x), with x = 0 replaced by 1e-20.
    const y = Math.PI * (cutoff * m === 0 ? 1e-20 : cutoff * m);
    const ratio = (n - alpha) / alpha;
    const window = besselI0(beta * Math.sqrt(1 - ratio * ratio)) / i0Beta;
    h[n] = cutoff * (Math.sin(y) / y) * window;
  }
  const gain = pairwiseSum(h, 0, taps);
  for (let n = 0; n < taps; n++) h[n] /= gain;
  return h;
}

/** A polyphase filter bank for one up/down pair: taps per phase, stored flipped as scipy's upfirdn does. */
interface PolyphaseBank {
  up: number;
  down: number;
  tapsPerPhase: number;
  /** phases[t * tapsPerPhase + i]: tap i of phase t, in the order it meets x[j] with ascending j. */
  phases: Float32Array;
  /** Output index (in upfirdn's full output) of the first sample kept. */
  skip: number;
}

const bankCache = new Map<string, PolyphaseBank>();
/** Banks kept: common rate pairs are few, and a corpus of odd (or damaged) rates must not pile up filters. */
const BANK_CACHE_SIZE = 32;
/**
 * Longest filter built: 2^24 taps covers every coprime pair up to 838 kHz; a damaged header's rate of
 * ~4 GHz would otherwise ask for 8.6e10 taps and die with a RangeError.
 */
const MAX_FILTER_TAPS = 2 ** 24;

/** Build (and cache) the filter `scipy.signal.resample_poly(x, up, down)` uses for a float32 input. */
function polyphaseBank(up: number, down: number): PolyphaseBank {
  const key = `${up}/${down}`;
  const cached = bankCache.get(key);
  if (cached) return cached;
  const maxRate = Math.max(up, down);
  const halfLength = 10 * maxRate;
  if (2 * halfLength + 1 > MAX_FILTER_TAPS) {
    throw new AudioError(
      'bad-option',
      'resample',
      `the ratio ${up}/${down} needs a ${2 * halfLength + 1}-tap filter (limit ${MAX_FILTER_TAPS})`,
      false,
    );
  }
  const design = kaiserLowpass(2 * halfLength + 1, 1 / maxRate, 5.0);
  // Zero padding in front centres the output samples on the filter's middle tap.
  const prePad = down - (halfLength % down);
  const padded = new Float32Array(prePad + design.length);
  // scipy casts the design to the input dtype (float32) before scaling by `up`, also in float32.
  for (let i = 0; i < design.length; i++) padded[prePad + i] = Math.fround(design[i]) * up;
  const tapsPerPhase = Math.ceil(padded.length / up);
  const phases = new Float32Array(tapsPerPhase * up);
  for (let t = 0; t < up; t++) {
    for (let i = 0; i < tapsPerPhase; i++) {
      const k = (tapsPerPhase - 1 - i) * up + t;
      phases[t * tapsPerPhase + i] = k < padded.length ? padded[k] : 0;
    }
  }
  const bank = { up, down, tapsPerPhase, phases, skip: Math.floor((halfLength + prePad) / down) };
  if (bankCache.size >= BANK_CACHE_SIZE) bankCache.clear();
  bankCache.set(key, bank);
  return bank;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Resample by the rational factor `up / down` with scipy's polyphase method: a Kaiser-windowed sinc
 * (beta 5, 10 zero crossings per side of the slower rate) applied with zero padding at both ends.
 * The output equals `scipy.signal.resample_poly(x, up, down)` for a float32 `x` (float32 arithmetic in
 * the same summation order), and has `ceil(n * up / down)` samples.
 */
function resamplePolyphase(x: Float32Array, upFactor: number, downFactor: number): Float32Array {
  const g = gcd(upFactor, downFactor);
  const up = upFactor / g;
  const down = downFactor / g;
  if (up === 1 && down === 1) return x.slice();
  const { tapsPerPhase, phases, skip } = polyphaseBank(up, down);
  const n = x.length;
  const outLength = Math.ceil((n * up) / down);
  const y = new Float32Array(outLength);
  const rt = dspRuntime(4 * (n + phases.length + outLength));
  if (rt) {
    // kernels.c's resample_poly: this loop in float32 arithmetic, bit-identical.
    const xp = rt.put(x);
    const ph = rt.put(phases);
    const yp = rt.alloc(outLength);
    rt.kernels.resample_poly(n, xp, up, down, tapsPerPhase, ph, skip, outLength, yp);
    y.set(rt.view(yp, outLength));
    return y;
  }
  const fround = Math.fround;
  // Interior outputs (every tap on a real sample) four at a time: four independent float32 chains, each
  // summed in scipy's order, so the adds of one output need not wait for the previous output's.
  const interiorEnd = Math.min(outLength, Math.floor(((n - 1) * up) / down) - skip + 1);
  let m = 0;
  while (m < outLength && Math.floor(((skip + m) * down) / up) - tapsPerPhase + 1 < 0) m++;
  const interiorStart = m;
  for (m = interiorStart; m + 4 <= interiorEnd; m += 4) {
    const k = skip + m;
    const e0 = Math.floor((k * down) / up);
    const e1 = Math.floor(((k + 1) * down) / up);
    const e2 = Math.floor(((k + 2) * down) / up);
    const e3 = Math.floor(((k + 3) * down) / up);
    const x0 = e0 - tapsPerPhase + 1;
    const x1 = e1 - tapsPerPhase + 1;
    const x2 = e2 - tapsPerPhase + 1;
    const x3 = e3 - tapsPerPhase + 1;
    const p0 = (k * down - e0 * up) * tapsPerPhase;
    const p1 = ((k + 1) * down - e1 * up) * tapsPerPhase;
    const p2 = ((k + 2) * down - e2 * up) * tapsPerPhase;
    const p3 = ((k + 3) * down - e3 * up) * tapsPerPhase;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < tapsPerPhase; i++) {
      a0 = fround(a0 + fround(x[x0 + i] * phases[p0 + i]));
      a1 = fround(a1 + fround(x[x1 + i] * phases[p1 + i]));
      a2 = fround(a2 + fround(x[x2 + i] * phases[p2 + i]));
      a3 = fround(a3 + fround(x[x3 + i] * phases[p3 + i]));
    }
    y[m] = a0;
    y[m + 1] = a1;
    y[m + 2] = a2;
    y[m + 3] = a3;
  }
  const interiorDone = m;
  for (m = 0; m < outLength; m++) {
    if (m === interiorStart) m = Math.max(m, interiorDone);
    if (m >= outLength) break;
    const k = skip + m;
    // Output k of upfirdn: phase t of the filter against inputs ending at xEnd.
    const xEnd = Math.floor((k * down) / up);
    const t = k * down - xEnd * up;
    const first = xEnd - tapsPerPhase + 1;
    const base = t * tapsPerPhase - first;
    const jStart = first > 0 ? first : 0;
    const jEnd = xEnd < n - 1 ? xEnd : n - 1;
    let acc = 0;
    for (let j = jStart; j <= jEnd; j++) acc = fround(acc + fround(x[j] * phases[base + j]));
    y[m] = acc;
  }
  return y;
}

/** Options of {@link resample}. */
export interface ResampleOptions {
  /**
   * Method; default `'polyphase'`: scipy's `resample_poly`, i.e. librosa's `res_type='polyphase'`.
   * (librosa's default `soxr_hq` has no pure-JS equivalent; `polyphase` is the exact, documented one.)
   */
  method?: 'polyphase';
}

function checkRate(rate: number, name: string): void {
  if (!Number.isInteger(rate) || rate < 1) {
    throw new AudioError(
      'bad-option',
      'resample',
      `${name} must be a positive integer in Hz, got ${rate}`,
      false,
    );
  }
}

/**
 * Change the sample rate of a mono signal, as `librosa.resample(y, orig_sr=fromRate, target_sr=toRate,
 * res_type='polyphase')`. The output has `ceil(n * toRate / fromRate)` samples; equal rates return a copy.
 *
 * @throws {AudioError} `bad-option` when a rate is not a positive integer, or the reduced ratio's larger
 *   term exceeds 838,860 (its filter would exceed 2^24 taps)
 */
export function resample(
  signal: Float32Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Float32Array {
  checkRate(fromRate, 'fromRate');
  checkRate(toRate, 'toRate');
  const method = options.method ?? 'polyphase';
  if (method !== 'polyphase')
    throw new AudioError('bad-option', 'resample', `unknown method '${String(method)}'`, false);
  return resamplePolyphase(signal, toRate, fromRate);
}
