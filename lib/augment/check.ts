/** Argument checks shared by the augmentations: one clear error instead of a NaN further down. */
import { UserError } from '../util/errors';

/** Throw unless `value` is finite and `test` holds; `rule` says what was expected. */
export function checkParam(
  transform: string,
  name: string,
  value: number,
  test: boolean,
  rule: string,
): number {
  if (!Number.isFinite(value) || !test)
    throw new UserError(`${transform}: ${name} must be ${rule}, got ${value}`);
  return value;
}

/** Throw if the waveform holds a NaN or infinite sample (augmenting it would spread them). */
export function checkWaveform(transform: string, y: Float32Array): void {
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i])) throw new UserError(`${transform}: input sample ${i} is ${y[i]}`);
}
