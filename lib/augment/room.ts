/**
 * Room simulation with a synthetic impulse response: a direct path followed by Gaussian noise under an
 * exponential envelope that falls 60 dB in RT60 seconds (the statistical model of a diffuse reverberant
 * tail, Schroeder/Polack), convolved with the signal through the FFT.
 */
import { realFft } from '../dsp/fft';
import { inverseRealFft } from '../dsp/istft';
import type { Rng } from '../util/rng';
import { checkParam, checkWaveform } from './check';

/** Options of {@link syntheticImpulseResponse}. */
export interface ImpulseResponseOptions {
  /** Reverberation time: seconds for the tail's energy to fall by 60 dB. */
  rt60: number;
  /** Energy of the direct path over the tail's, dB. Default 0 (equal). */
  directToReverberantDb?: number;
  /** Gap between the direct path and the tail, ms. Default 2. */
  predelayMs?: number;
}

/** ln(10^3): an amplitude envelope exp(-DECAY·t/RT60) is 60 dB down at t = RT60. */
const DECAY = 3 * Math.LN10;

/**
 * An impulse response of `ceil(rt60·sr)` + predelay samples: 1 at t = 0, then from the predelay on
 * `rng.normal() · exp(-6.91 t / rt60)` scaled so the tail's energy is `directToReverberantDb` below the
 * direct path's; the whole response is then normalised to unit energy, so a convolved signal keeps about
 * its level.
 */
export function syntheticImpulseResponse(
  sr: number,
  options: ImpulseResponseOptions,
  rng: Rng,
): Float32Array {
  const { rt60 } = options;
  checkParam('room', 'rt60', rt60, rt60 >= 0.01 && rt60 <= 10, 'in [0.01, 10] s');
  const drr = options.directToReverberantDb ?? 0;
  checkParam('room', 'directToReverberantDb', drr, Math.abs(drr) <= 60, 'within ±60 dB');
  const predelayMs = options.predelayMs ?? 2;
  checkParam('room', 'predelayMs', predelayMs, predelayMs >= 0 && predelayMs <= 500, 'in [0, 500] ms');
  const predelay = Math.max(1, Math.round((predelayMs / 1000) * sr));
  const tailLength = Math.ceil(rt60 * sr);
  const h = new Float64Array(predelay + tailLength);
  h[0] = 1;
  let tailEnergy = 0;
  for (let i = 0; i < tailLength; i++) {
    const v = rng.normal() * Math.exp((-DECAY * i) / (rt60 * sr));
    h[predelay + i] = v;
    tailEnergy += v * v;
  }
  const tailGain = Math.sqrt(10 ** (-drr / 10) / tailEnergy);
  let energy = 1;
  for (let i = predelay; i < h.length; i++) {
    h[i] *= tailGain;
    energy += h[i] * h[i];
  }
  const norm = 1 / Math.sqrt(energy);
  return Float32Array.from(h, (v) => v * norm);
}

/**
 * The first `y.length` samples of the linear convolution `y * h` (audiomentations' ApplyImpulseResponse
 * with `leave_length_unchanged=True`), by FFT over the next power of two ≥ n + m - 1.
 */
export function convolve(y: Float32Array, h: Float32Array): Float32Array {
  const n = y.length;
  if (n === 0 || h.length === 0) return new Float32Array(n);
  let size = 4;
  while (size < n + h.length - 1) size *= 2;
  const bins = size / 2 + 1;
  const fft = realFft(size);
  const buffer = new Float64Array(size);
  buffer.set(y);
  const yRe = new Float64Array(bins);
  const yIm = new Float64Array(bins);
  fft.forward(buffer, yRe, yIm);
  buffer.fill(0);
  buffer.set(h);
  const hRe = new Float64Array(bins);
  const hIm = new Float64Array(bins);
  fft.forward(buffer, hRe, hIm);
  for (let k = 0; k < bins; k++) {
    const r = yRe[k] * hRe[k] - yIm[k] * hIm[k];
    yIm[k] = yRe[k] * hIm[k] + yIm[k] * hRe[k];
    yRe[k] = r;
  }
  inverseRealFft(size).inverse(yRe, yIm, buffer);
  return Float32Array.from(buffer.subarray(0, n));
}

/**
 * Reverberate `y` in a synthetic room: convolve with {@link syntheticImpulseResponse}. Keeps the length (the
 * tail past the end is dropped). May exceed ±1 (check with `clipReport`).
 */
export function simulateRoom(
  y: Float32Array,
  sr: number,
  options: ImpulseResponseOptions,
  rng: Rng,
): Float32Array {
  checkWaveform('room', y);
  return convolve(y, syntheticImpulseResponse(sr, options, rng));
}

/**
 * Schroeder's energy decay curve of an impulse response: at each sample, the energy still to come (backward
 * integration of h²), in dB re. the total. A room with one RT60 falls on a straight line, 60 dB per RT60.
 */
export function energyDecayDb(h: Float32Array): Float64Array {
  const edc = new Float64Array(h.length);
  let acc = 0;
  for (let i = h.length - 1; i >= 0; i--) {
    acc += h[i] * h[i];
    edc[i] = acc;
  }
  const total = edc[0];
  return edc.map((e) => 10 * Math.log10(e / total));
}

/**
 * RT60 of an impulse response measured by Schroeder backward integration: the energy decay curve's
 * straight-line fit between -5 and -25 dB (T20), extrapolated to 60 dB. For checking {@link simulateRoom}.
 */
export function measureRt60(h: Float32Array, sr: number): number {
  const edc = energyDecayDb(h);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let count = 0;
  for (let i = 0; i < h.length; i++) {
    const db = edc[i];
    if (db > -5) continue;
    if (db < -25) break;
    const t = i / sr;
    sx += t;
    sy += db;
    sxx += t * t;
    sxy += t * db;
    count++;
  }
  const slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);
  return -60 / slope;
}
