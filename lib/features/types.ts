/**
 * Shapes shared by the librosa-exact features. Matrices follow librosa's (n_features, n_frames) layout so
 * that values can be compared index for index with librosa's output.
 */

/** A features × frames matrix, row-major: `data[row * cols + frame]`. */
export interface FeatureMatrix {
  /** Features (mel bands, coefficients, chroma bins…). */
  rows: number;
  /** Frames. */
  cols: number;
  data: Float32Array;
}

/** The spectrogram shape lives with the STFT that makes it. */
export type { Spectrogram } from '../dsp/spectrum';

/** Allocate a zeroed matrix. */
export function featureMatrix(rows: number, cols: number): FeatureMatrix {
  return { rows, cols, data: new Float32Array(rows * cols) };
}

/** Row `r` of a matrix (a view, not a copy). */
export function matrixRow(m: FeatureMatrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

/** Transpose to frames × features (`[time, features]`, what sequence models consume). */
export function framesMajor(m: FeatureMatrix): FeatureMatrix {
  const out = featureMatrix(m.cols, m.rows);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) out.data[c * m.rows + r] = m.data[r * m.cols + c];
  return out;
}

/** Stack matrices with the same frame count on top of each other (librosa's `np.vstack`). */
export function stackRows(parts: FeatureMatrix[]): FeatureMatrix {
  if (parts.length === 0) throw new Error('stackRows: nothing to stack');
  const cols = parts[0].cols;
  for (const p of parts)
    if (p.cols !== cols) throw new Error(`stackRows: frame counts differ (${p.cols} vs ${cols})`);
  const out = featureMatrix(
    parts.reduce((n, p) => n + p.rows, 0),
    cols,
  );
  let offset = 0;
  for (const p of parts) {
    out.data.set(p.data, offset);
    offset += p.data.length;
  }
  return out;
}

/** `np.rint` / `np.round`: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
