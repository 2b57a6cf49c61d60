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
