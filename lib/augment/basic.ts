/** Sample-wise augmentations: time shift (roll or pad), gain and polarity inversion (audiomentations'). */
import { checkParam, checkWaveform } from './check';

/** Options of {@link timeShift}. */
export interface TimeShiftOptions {
  /**
   * Whether samples pushed off one end come back at the other (`np.roll`, audiomentations' `rollover=True`,
   * its default); otherwise the gap is filled with zeros. Default true.
   */
  rollover?: boolean;
}

/**
 * Move the waveform `shift` samples later (negative: earlier), keeping its length, as audiomentations'
 * `Shift` with `shift_unit="samples"` and no fade.
 */
export function timeShift(y: Float32Array, shift: number, options: TimeShiftOptions = {}): Float32Array {
  checkParam('timeShift', 'shift', shift, Number.isInteger(shift), 'an integer number of samples');
  checkWaveform('timeShift', y);
  const n = y.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  if (options.rollover ?? true) {
    const s = ((shift % n) + n) % n;
    out.set(y.subarray(n - s), 0);
    out.set(y.subarray(0, n - s), s);
  } else if (shift >= 0) {
    if (shift < n) out.set(y.subarray(0, n - shift), shift);
  } else if (-shift < n) out.set(y.subarray(-shift), 0);
  return out;
}

/** Multiply by 10^(gainDb / 20), as audiomentations' `Gain`. May exceed ±1 (check with `clipReport`). */
export function gain(y: Float32Array, gainDb: number): Float32Array {
  checkParam('gain', 'gainDb', gainDb, Math.abs(gainDb) <= 120, 'within ±120 dB');
  checkWaveform('gain', y);
  const g = 10 ** (gainDb / 20);
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] * g;
  return out;
}

/** Flip the sign of every sample (audiomentations' `PolarityInversion`): inaudible, changes the waveform. */
export function invertPolarity(y: Float32Array): Float32Array {
  checkWaveform('invertPolarity', y);
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = -y[i];
  return out;
}
