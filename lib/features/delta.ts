/**
 * `librosa.feature.delta`: Savitzky–Golay derivatives along time (`scipy.signal.savgol_filter` with
 * `polyorder = order`, `deriv = order`, `mode='interp'`). Interior frames use the centred least-squares
 * filter; the first and last `width // 2` frames evaluate the derivative of a polynomial fitted to the first
 * (last) `width` frames, as scipy's 'interp' mode does. Note that librosa's second-order delta is this
 * filter with order 2, not the delta of the delta.
 */
import { featureMatrix, type FeatureMatrix } from './types';

/** Options of {@link delta}. */
export interface DeltaOptions {
  /** Frames in the filter, odd and ≥ 3. Default 9. */
  width?: number;
  /** Derivative order (1: Δ, 2: ΔΔ). Default 1. */
  order?: number;
}

/** Solve the small dense system `a x = b` (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * Weights w such that `Σ_j w[j] x[j]` is the `deriv`-th derivative at position `at` of the degree-`polyorder`
 * least-squares polynomial through the points (j, x[j]), j = 0..width-1.
 */
export function savgolWeights(width: number, polyorder: number, deriv: number, at: number): Float64Array {
  const k = polyorder + 1;
  // Normal equations AᵀA c = Aᵀx with A[j][p] = j^p; the derivative at `at` is Σ_p c_p d^deriv/dt^deriv t^p.
  const ata = Array.from({ length: k }, (_, p) =>
    Array.from({ length: k }, (_, q) => {
      let s = 0;
      for (let j = 0; j < width; j++) s += j ** (p + q);
      return s;
    }),
  );
  const derivativeRow = Array.from({ length: k }, (_, p) => {
    if (p < deriv) return 0;
    let coef = 1;
    for (let i = 0; i < deriv; i++) coef *= p - i;
    return coef * at ** (p - deriv);
  });
  // w = Aᵀ (AᵀA)⁻¹ derivativeRow (AᵀA is symmetric).
  const z = solve(ata, derivativeRow);
  const w = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += j ** p * z[p];
    w[j] = s;
  }
  return w;
}

interface DeltaFilters {
  center: Float64Array;
  /** Rows for the first `half` frames (positions 0..half-1 of the first window). */
  head: Float64Array[];
  /** Rows for the last `half` frames (positions width-half..width-1 of the last window). */
  tail: Float64Array[];
}

const filters = new Map<string, DeltaFilters>();

function deltaFilters(width: number, order: number): DeltaFilters {
  const key = `${width}/${order}`;
  let f = filters.get(key);
  if (!f) {
    const half = width >> 1;
    f = {
      center: savgolWeights(width, order, order, half),
      head: Array.from({ length: half }, (_, i) => savgolWeights(width, order, order, i)),
      tail: Array.from({ length: half }, (_, i) => savgolWeights(width, order, order, width - half + i)),
    };
    filters.set(key, f);
  }
  return f;
}

/**
 * `librosa.feature.delta(data, width=9, order=1, axis=-1, mode='interp')` along the frames of `data`.
 * Throws when `data` has fewer frames than `width`, as librosa does.
 */
export function delta(data: FeatureMatrix, options: DeltaOptions = {}): FeatureMatrix {
  const width = options.width ?? 9;
  const order = options.order ?? 1;
  if (width < 3 || width % 2 !== 1) throw new Error('delta: width must be an odd integer >= 3');
  if (!Number.isInteger(order) || order <= 0) throw new Error('delta: order must be a positive integer');
  const n = data.cols;
  if (width > n) throw new Error(`delta: width=${width} cannot exceed the ${n} frames (mode 'interp')`);
  const { center, head, tail } = deltaFilters(width, order);
  const half = width >> 1;
  const out = featureMatrix(data.rows, n);
  for (let r = 0; r < data.rows; r++) {
    const x = data.data.subarray(r * n, (r + 1) * n);
    const y = out.data.subarray(r * n, (r + 1) * n);
    for (let i = half; i < n - half; i++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += center[j] * x[i - half + j];
      y[i] = s;
    }
    for (let i = 0; i < half; i++) {
      let s = 0;
      let e = 0;
      for (let j = 0; j < width; j++) {
        s += head[i][j] * x[j];
        e += tail[i][j] * x[n - width + j];
      }
      y[i] = s;
      y[n - half + i] = e;
    }
  }
  return out;
}
