import { AudioError } from './errors';

/** Options of {@link fixLength}. */
export interface FixLengthOptions {
  /**
   * Where a short signal's padding goes: `'pad-end'` appends it (librosa.util.fix_length); `'center'`
   * splits it, the odd sample going to the end. Default `'pad-end'`.
   */
  mode?: 'pad-end' | 'center';
  /**
   * Which part of a long signal is kept: its `'start'` (librosa.util.fix_length), `'center'` (the
   * odd sample dropped at the end) or `'end'`. Default: `'start'` with mode `'pad-end'`, `'center'`
   * with mode `'center'`.
   */
  cropMode?: 'start' | 'center' | 'end';
  /** The padding value. Default 0. */
  padValue?: number;
}

/**
 * A signal of exactly `length` samples: zero-padded when shorter, cropped when longer (defaults as
 * `librosa.util.fix_length(y, size=length)`: pad at the end, keep the start). Always a new array.
 *
 * @throws {AudioError} `bad-option` for a length that is not an integer >= 0, or an unknown mode
 */
export function fixLength(
  signal: Float32Array,
  length: number,
  options: FixLengthOptions = {},
): Float32Array {
  const { mode = 'pad-end', padValue = 0 } = options;
  const cropMode = options.cropMode ?? (mode === 'center' ? 'center' : 'start');
  if (!(Number.isInteger(length) && length >= 0))
    throw new AudioError('bad-option', 'fixLength', `length must be an integer >= 0, got ${length}`, false);
  if (mode !== 'pad-end' && mode !== 'center')
    throw new AudioError(
      'bad-option',
      'fixLength',
      `mode must be 'pad-end' or 'center', got '${mode}'`,
      false,
    );
  if (cropMode !== 'start' && cropMode !== 'center' && cropMode !== 'end')
    throw new AudioError(
      'bad-option',
      'fixLength',
      `cropMode must be 'start', 'center' or 'end', got '${cropMode}'`,
      false,
    );
  const n = signal.length;
  if (n >= length) {
    const excess = n - length;
    const from = cropMode === 'start' ? 0 : cropMode === 'end' ? excess : Math.floor(excess / 2);
    return signal.slice(from, from + length);
  }
  const out = new Float32Array(length);
  const before = mode === 'center' ? Math.floor((length - n) / 2) : 0;
  if (padValue !== 0) out.fill(padValue);
  out.set(signal, before);
  return out;
}
