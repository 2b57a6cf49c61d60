/**
 * Principal component analysis for 2-D views of feature vectors (notebook 03): a small, dependency-free
 * PCA whose eigendecomposition is the cyclic Jacobi method on a symmetric matrix.
 *
 * The decomposition runs on the smaller of the covariance (features × features) and the Gram matrix of
 * the centred rows (rows × rows): both share their non-zero eigenvalues, so a few hundred clips of a few
 * thousand features cost no more than a few hundred features.
 */

/** Eigenvalues (descending) and unit eigenvectors (`vectors[i]` belongs to `values[i]`) of a symmetric matrix. */
export interface SymmetricEigen {
  values: number[];
  vectors: Float64Array[];
}

/**
 * All eigenvalues and eigenvectors of a symmetric `n × n` matrix (row-major, `a[i * n + j]`), by cyclic
 * Jacobi rotations until the off-diagonal mass is below `1e-22` of the total (or 100 sweeps). Exact to
 * rounding for the well-conditioned covariance matrices PCA meets; O(n³) per sweep, so meant for n up to
 * a few hundred. The input is not modified.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n)
    throw new Error(`symmetricEigen: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += m[i] * m[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off <= 1e-22 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // Rotation angle that zeroes m[p][q] (Numerical Recipes' stable form of tan θ).
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q of M·J ...
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          // ... then rows p and q of Jᵀ·(M·J).
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  return {
    values: order.map((i) => m[i * n + i]),
    vectors: order.map((i) => {
      const col = new Float64Array(n);
      for (let k = 0; k < n; k++) col[k] = v[k * n + i];
      return col;
    }),
  };
}

/** A fitted PCA: project new rows with {@link pcaTransform}. */
export interface PcaModel {
  /** Column means of the fitted rows (subtracted before projecting). */
  mean: Float64Array;
  /** Unit principal axes, one per component, each of the rows' width. */
  components: Float64Array[];
  /** Variance of the fitted rows along each component (eigenvalues of the covariance, divisor n − 1). */
  explainedVariance: number[];
  /** Each component's share of the total variance (all components, not just the kept ones). */
  explainedVarianceRatio: number[];
}

/**
 * Fit a PCA with `components` components to `rows` (all of the same width). Signs are fixed so that each
 * axis's largest loading is positive, making results reproducible across runs and decompositions.
 * Standardise the rows first (lib/features' `fitStandardizer`) when features have different units.
 */
export function fitPca(rows: readonly ArrayLike<number>[], components = 2): PcaModel {
  const n = rows.length;
  if (n < 2) throw new Error(`fitPca: needs at least 2 rows, got ${n}`);
  const d = rows[0].length;
  if (rows.some((r) => r.length !== d)) throw new Error('fitPca: rows differ in width');
  if (!(Number.isInteger(components) && components >= 1 && components <= Math.min(n, d)))
    throw new Error(`fitPca: components must be an integer in 1..${Math.min(n, d)}, got ${components}`);
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const centred = rows.map((r) => {
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++) c[j] = r[j] - mean[j];
    return c;
  });
  let totalVariance = 0;
  for (const c of centred) for (let j = 0; j < d; j++) totalVariance += c[j] * c[j];
  totalVariance /= n - 1;

  let axes: Float64Array[];
  let variances: number[];
  if (d <= n) {
    // Covariance Xᵀ X / (n − 1): its eigenvectors are the principal axes.
    const cov = new Float64Array(d * d);
    for (const c of centred)
      for (let i = 0; i < d; i++) {
        const ci = c[i];
        if (ci === 0) continue;
        for (let j = i; j < d; j++) cov[i * d + j] += ci * c[j];
      }
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] /= n - 1;
    const eig = symmetricEigen(cov, d);
    axes = eig.vectors.slice(0, components);
    variances = eig.values.slice(0, components);
  } else {
    // Gram X Xᵀ / (n − 1) shares the non-zero eigenvalues; an eigenvector u maps to the axis Xᵀ u / ‖Xᵀ u‖.
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let k = i; k < n; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += centred[i][j] * centred[k][j];
        gram[i * n + k] = gram[k * n + i] = s / (n - 1);
      }
    const eig = symmetricEigen(gram, n);
    variances = eig.values.slice(0, components);
    axes = eig.vectors.slice(0, components).map((u) => {
      const axis = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) axis[j] += u[i] * centred[i][j];
      let norm = 0;
      for (let j = 0; j < d; j++) norm += axis[j] * axis[j];
      norm = Math.sqrt(norm);
      // A zero-variance direction has no defined axis: any unit vector orthogonal to the data serves.
      if (norm > 0) for (let j = 0; j < d; j++) axis[j] /= norm;
      return axis;
    });
  }
  for (const axis of axes) {
    let largest = 0;
    for (let j = 0; j < d; j++) if (Math.abs(axis[j]) > Math.abs(axis[largest])) largest = j;
    if (axis[largest] < 0) for (let j = 0; j < d; j++) axis[j] = -axis[j];
  }
  const clamped = variances.map((v) => Math.max(0, v));
  return {
    mean,
    components: axes,
    explainedVariance: clamped,
    explainedVarianceRatio: clamped.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
  };
}

/** Coordinates of each row on the model's components (`[row][component]`). */
export function pcaTransform(model: PcaModel, rows: readonly ArrayLike<number>[]): number[][] {
  const d = model.mean.length;
  return rows.map((r) => {
    if (r.length !== d) throw new Error(`pcaTransform: row has ${r.length} values, the model ${d}`);
    return model.components.map((axis) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (r[j] - model.mean[j]) * axis[j];
      return s;
    });
  });
}
