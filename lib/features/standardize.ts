/**
 * Per-feature z-scoring (like scikit-learn's StandardScaler), fitted on the training split only and stored
 * with the model so that evaluation and prediction transform their inputs exactly as training did.
 */
export interface StandardizerState {
  mean: number[];
  std: number[];
}

/** Fit mean and standard deviation per column of `rows`; zero-variance columns get std 1. */
export function fitStandardizer(rows: ArrayLike<number>[]): StandardizerState {
  if (rows.length === 0) throw new Error('fitStandardizer: no rows');
  return fitStandardizerOver(() => rows, rows[0].length);
}

/**
 * Per-feature mean and standard deviation over every frame (`dims` values) of every row that `pass()` yields,
 * in two passes (the mean, then squared deviations from it: no cancellation), each row read once per pass and
 * not kept, so rows can be streamed from disk. A stats row is one frame of `dims` = its length. Every fitter
 * here is this one, so the figures do not depend on where the rows came from.
 */
export function fitStandardizerOver(
  pass: () => Iterable<ArrayLike<number>>,
  dims: number,
): StandardizerState {
  let frames = 0;
  const mean = new Array<number>(dims).fill(0);
  const sq = new Array<number>(dims).fill(0);
  for (const s of pass()) {
    if (s.length % dims !== 0)
      throw new Error(`fitStandardizerOver: length ${s.length} is not a multiple of ${dims}`);
    frames += s.length / dims;
    for (let i = 0; i < s.length; i++) mean[i % dims] += s[i];
  }
  if (frames === 0) throw new Error('fitStandardizerOver: no frames');
  for (let d = 0; d < dims; d++) mean[d] /= frames;
  for (const s of pass()) for (let i = 0; i < s.length; i++) sq[i % dims] += (s[i] - mean[i % dims]) ** 2;
  const std = sq.map((v) => {
    const sd = Math.sqrt(v / frames);
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

/** Apply a fitted standardizer to one row (returns a new array). */
export function standardize(state: StandardizerState, row: ArrayLike<number>): Float32Array {
  const out = new Float32Array(row.length);
  for (let d = 0; d < row.length; d++) out[d] = (row[d] - state.mean[d]) / state.std[d];
  return out;
}

/**
 * Fit per-feature mean and standard deviation over every frame of every sequence (frames × `dims`,
 * time-major, as 'sequence' feature sets produce): the normaliser of sequence models such as seed001's
 * z-scored log-mel. Fit it on the training split only and store it with the model.
 */
export function fitSequenceStandardizer(sequences: Float32Array[], dims: number): StandardizerState {
  return fitStandardizerOver(() => sequences, dims);
}

/** Apply a sequence standardizer to every frame of a frames × dims sequence (returns a new array). */
export function standardizeSequence(state: StandardizerState, sequence: Float32Array): Float32Array {
  const dims = state.mean.length;
  const { mean, std } = state;
  const out = new Float32Array(sequence.length);
  // Frame by frame (no modulo per value): training streams every row through this once per epoch.
  const whole = sequence.length - (sequence.length % dims);
  for (let f = 0; f < whole; f += dims)
    for (let d = 0; d < dims; d++) out[f + d] = (sequence[f + d] - mean[d]) / std[d];
  for (let i = whole; i < sequence.length; i++) out[i] = (sequence[i] - mean[i - whole]) / std[i - whole];
  return out;
}
