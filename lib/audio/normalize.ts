import { AudioError } from './errors';

/** How far a signal strays beyond the nominal [-1, 1] range (float files may; PCM never does). */
export interface ClipReport {
  /** Samples with |value| > 1. */
  outOfRange: number;
  /** Largest |value| (0 for an empty signal). */
  maxAbs: number;
  /** NaN or infinite samples (a float file can hold them; they are not counted in `outOfRange`). */
  nonFinite: number;
}

/** Count samples beyond ±1 and the largest magnitude. */
export function clipReport(signal: Float32Array): ClipReport {
  let outOfRange = 0;
  let maxAbs = 0;
  let nonFinite = 0;
  for (const v of signal) {
    const a = Math.abs(v);
    if (!Number.isFinite(a)) {
      nonFinite++;
      continue;
    }
    if (a > 1) outOfRange++;
    if (a > maxAbs) maxAbs = a;
  }
  return { outOfRange, maxAbs, nonFinite };
}

/** `signal` divided by `divisor` into a new array (division, so the peak sample lands exactly on ±1). */
function divided(signal: Float32Array, divisor: number): Float32Array {
  const out = new Float32Array(signal.length);
  for (let i = 0; i < signal.length; i++) out[i] = signal[i] / divisor;
  return out;
}

function checkFinite(subject: string, signal: Float32Array): number {
  const report = clipReport(signal);
  if (report.nonFinite > 0)
    throw new AudioError(
      'bad-option',
      subject,
      `signal holds ${report.nonFinite} NaN or infinite samples`,
      false,
    );
  return report.maxAbs;
}

/** Options of {@link peakNormalise}. */
export interface PeakNormaliseOptions {
  /** The largest |sample| after scaling (> 0). Default 1. */
  peak?: number;
}

/**
 * Scale a signal so its largest |sample| equals `peak` (like librosa.util.normalize with norm=inf,
 * times `peak`). An all-zero signal is returned unchanged (copied). Always returns a new array.
 *
 * @throws {AudioError} `bad-option` for a peak that is not a finite number > 0, or NaN/infinite samples
 */
export function peakNormalise(signal: Float32Array, options: PeakNormaliseOptions = {}): Float32Array {
  const { peak = 1 } = options;
  if (!(Number.isFinite(peak) && peak > 0))
    throw new AudioError(
      'bad-option',
      'peakNormalise',
      `peak must be a finite number > 0, got ${peak}`,
      false,
    );
  const maxAbs = checkFinite('peakNormalise', signal);
  if (maxAbs === 0) return signal.slice();
  return divided(signal, maxAbs / peak);
}

/** Options of {@link rmsNormalise}. */
export interface RmsNormaliseOptions {
  /** Target RMS level in dB relative to full scale (an RMS of 1 is 0 dB). Default -20. */
  targetDb?: number;
}

/** RMS level of a signal in dB re full scale; -Infinity for silence or an empty signal. */
export function rmsDb(signal: Float32Array): number {
  let sum = 0;
  for (const v of signal) sum += v * v;
  return signal.length === 0 ? -Infinity : 10 * Math.log10(sum / signal.length);
}

/**
 * Scale a signal so its RMS level is `targetDb` dBFS. Loud targets can push peaks beyond ±1: check
 * with {@link clipReport} or follow with {@link peakNormalise} if that matters. An all-zero signal is
 * returned unchanged (copied). Always returns a new array.
 *
 * @throws {AudioError} `bad-option` for a non-finite target, or NaN/infinite samples
 */
export function rmsNormalise(signal: Float32Array, options: RmsNormaliseOptions = {}): Float32Array {
  const { targetDb = -20 } = options;
  if (!Number.isFinite(targetDb))
    throw new AudioError(
      'bad-option',
      'rmsNormalise',
      `targetDb must be a finite number, got ${targetDb}`,
      false,
    );
  checkFinite('rmsNormalise', signal);
  const level = rmsDb(signal);
  if (level === -Infinity) return signal.slice();
  return divided(signal, 10 ** ((level - targetDb) / 20));
}

/**
 * Bring a float signal that strays beyond ±1 back into range by dividing it by its peak; a signal
 * already within ±1 is returned as is (the same array, not a copy), so in-range audio stays bit-exact.
 */
export function normaliseOutOfRange(signal: Float32Array, report = clipReport(signal)): Float32Array {
  return report.maxAbs > 1 ? divided(signal, report.maxAbs) : signal;
}
