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
  const dims = rows[0].length;
  const mean = new Array<number>(dims).fill(0);
  const sq = new Array<number>(dims).fill(0);
  for (const r of rows) for (let d = 0; d < dims; d++) mean[d] += r[d];
  for (let d = 0; d < dims; d++) mean[d] /= rows.length;
  for (const r of rows) for (let d = 0; d < dims; d++) sq[d] += (r[d] - mean[d]) ** 2;
  const std = sq.map((s) => {
    const v = Math.sqrt(s / rows.length);
    return v > 1e-12 ? v : 1;
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
  let frames = 0;
  const mean = new Array<number>(dims).fill(0);
  const sq = new Array<number>(dims).fill(0);
  for (const s of sequences) {
    if (s.length % dims !== 0)
      throw new Error(`fitSequenceStandardizer: length ${s.length} is not a multiple of ${dims}`);
    frames += s.length / dims;
    for (let i = 0; i < s.length; i++) mean[i % dims] += s[i];
  }
  if (frames === 0) throw new Error('fitSequenceStandardizer: no frames');
  for (let d = 0; d < dims; d++) mean[d] /= frames;
  for (const s of sequences) for (let i = 0; i < s.length; i++) sq[i % dims] += (s[i] - mean[i % dims]) ** 2;
  const std = sq.map((v) => {
    const sd = Math.sqrt(v / frames);
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

/** Apply a sequence standardizer to every frame of a frames × dims sequence (returns a new array). */
export function standardizeSequence(state: StandardizerState, sequence: Float32Array): Float32Array {
  const dims = state.mean.length;
  const out = new Float32Array(sequence.length);
  for (let i = 0; i < sequence.length; i++)
    out[i] = (sequence[i] - state.mean[i % dims]) / state.std[i % dims];
  return out;
}
