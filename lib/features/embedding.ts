import { Rng } from '../util/rng';

/**
 * Principal component analysis for 2-D views of feature vectors (notebook 03): a small, dependency-free
 * PCA on the leading eigenvectors of a symmetric matrix, by subspace iteration (cyclic Jacobi for the
 * small Rayleigh–Ritz problems and for small matrices).
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

/**
 * The `k` largest eigenpairs of a symmetric positive semi-definite `n × n` matrix by subspace (block
 * power) iteration with Rayleigh–Ritz: a block of `k + 8` vectors is multiplied by the matrix and
 * re-orthonormalised until every wanted Ritz pair's residual ‖A v − λ v‖ is below `1e-10 · λ₁` (or 3000
 * rounds). O(n² k) per round instead of Jacobi's O(n³) per sweep: what PCA needs for 2 components of a
 * few hundred features. Small matrices (n ≤ 48) go to {@link symmetricEigen} whole.
 */
export function topEigen(a: ArrayLike<number>, n: number, k: number): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`topEigen: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n))
    throw new Error(`topEigen: k must be an integer in 1..${n}, got ${k}`);
  const b = Math.min(n, k + 8);
  if (n <= 48 || b === n) {
    const all = symmetricEigen(a, n);
    return { values: all.values.slice(0, k), vectors: all.vectors.slice(0, k) };
  }
  const times = (q: Float64Array[]): Float64Array[] =>
    q.map((v) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
        out[i] = s;
      }
      return out;
    });
  // A fixed pseudo-random start (no seed argument: results must not depend on the caller).
  let state = 0x9e3779b9;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  let q = orthonormalise(Array.from({ length: b }, () => Float64Array.from({ length: n }, random)));
  for (let round = 0; ; round++) {
    const z = times(q);
    const t = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) t[i * b + j] = dot(q[i], z[j]);
    for (let i = 0; i < b; i++)
      for (let j = i + 1; j < b; j++) t[i * b + j] = t[j * b + i] = (t[i * b + j] + t[j * b + i]) / 2;
    const ritz = symmetricEigen(t, b);
    const rotate = (basis: Float64Array[]) => ritz.vectors.map((w) => combine(basis, w));
    const vectors = rotate(q);
    const images = rotate(z);
    const scale = Math.max(Math.abs(ritz.values[0]), 1e-300);
    let worst = 0;
    for (let i = 0; i < k; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += (images[i][j] - ritz.values[i] * vectors[i][j]) ** 2;
      worst = Math.max(worst, Math.sqrt(r));
    }
    if (worst <= 1e-10 * scale || round >= 3000)
      return { values: ritz.values.slice(0, k), vectors: vectors.slice(0, k).map(normalise) };
    q = orthonormalise(images);
  }
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** Σ w[i] · basis[i]. */
function combine(basis: Float64Array[], w: Float64Array): Float64Array {
  const out = new Float64Array(basis[0].length);
  basis.forEach((v, i) => {
    for (let j = 0; j < out.length; j++) out[j] += w[i] * v[j];
  });
  return out;
}

function normalise(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(v, v));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

/** Modified Gram–Schmidt, twice for stability; a vector that vanishes is replaced by a fresh unit vector. */
function orthonormalise(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of vectors) {
    let u = Float64Array.from(v);
    for (let pass = 0; pass < 2; pass++)
      for (const o of out) {
        const c = dot(u, o);
        for (let j = 0; j < u.length; j++) u[j] -= c * o[j];
      }
    if (Math.sqrt(dot(u, u)) < 1e-12 * Math.max(1, Math.sqrt(dot(v, v)))) {
      // Dependent vector (rank-deficient matrix): take the first axis not yet spanned.
      for (let e = 0; e < u.length; e++) {
        u = new Float64Array(u.length);
        u[e] = 1;
        for (const o of out) {
          const c = dot(u, o);
          for (let j = 0; j < u.length; j++) u[j] -= c * o[j];
        }
        if (Math.sqrt(dot(u, u)) > 0.5) break;
      }
    }
    out.push(normalise(u));
  }
  return out;
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
    const eig = topEigen(cov, d, components);
    axes = eig.vectors;
    variances = eig.values;
  } else {
    // Gram X Xᵀ / (n − 1) shares the non-zero eigenvalues; an eigenvector u maps to the axis Xᵀ u / ‖Xᵀ u‖.
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let k = i; k < n; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += centred[i][j] * centred[k][j];
        gram[i * n + k] = gram[k * n + i] = s / (n - 1);
      }
    const eig = topEigen(gram, n, components);
    variances = eig.values;
    axes = eig.vectors.map((u) => {
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

/** Options of {@link tsne}; defaults follow scikit-learn's TSNE (exact method). */
export interface TsneOptions {
  /** Effective number of neighbours each point's Gaussian covers (5–50). Default 30. */
  perplexity?: number;
  /** Gradient-descent iterations. Default 1000. */
  iterations?: number;
  /** Seed of the random initial layout. Default 0. */
  seed?: number;
}

/** A t-SNE layout: 2-D points aligned with the rows, and the final KL divergence (lower is a more faithful map). */
export interface TsneResult {
  points: number[][];
  klDivergence: number;
}

/**
 * Conditional neighbour probabilities p(j | i) ∝ exp(−β_i ‖x_i − x_j‖²), with each β_i found by bisection
 * so that the entropy of row i is log(perplexity) (natural log) to 1e-5. `sqDistances` is n × n.
 */
export function conditionalProbabilities(
  sqDistances: Float64Array,
  n: number,
  perplexity: number,
): Float64Array {
  if (!(perplexity > 0 && perplexity < n))
    throw new Error(`tsne: perplexity must be in (0, ${n}), got ${perplexity}`);
  const target = Math.log(perplexity);
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    // Distances relative to the nearest neighbour keep exp() away from underflow for far-apart points.
    let nearest = Infinity;
    for (let j = 0; j < n; j++) if (j !== i) nearest = Math.min(nearest, sqDistances[i * n + j]);
    for (let step = 0; step < 200; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d = sqDistances[i * n + j] - nearest;
        const w = Math.exp(-beta * d);
        p[i * n + j] = w;
        sum += w;
        weighted += w * d;
      }
      // H = log Σw + β Σ w d / Σw (natural log), for the shifted distances (a shift does not change P).
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let j = 0; j < n; j++) p[i * n + j] /= sum;
      const gap = entropy - target;
      if (Math.abs(gap) < 1e-5) break;
      if (gap > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return p;
}

/**
 * t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008), exact O(n²) version, as
 * scikit-learn's `TSNE(method='exact', init='random')`: perplexity-calibrated affinities, symmetrised; early exaggeration
 * 12 for 250 iterations with momentum 0.5, then momentum 0.8; learning rate max(n / 48, 50); per-coordinate
 * gains. Distances between far clusters in the map mean little; neighbourhoods are what it preserves.
 * Distances are Euclidean on the rows as given (standardise them first). O(n²) memory and time per
 * iteration: meant for up to about a thousand rows (subsample beyond).
 */
export function tsne(rows: readonly ArrayLike<number>[], options: TsneOptions = {}): TsneResult {
  const n = rows.length;
  const perplexity = options.perplexity ?? 30;
  const iterations = options.iterations ?? 1000;
  if (n < 4) throw new Error(`tsne: needs at least 4 rows, got ${n}`);
  if (!(perplexity < n)) throw new Error(`tsne: perplexity ${perplexity} needs more than ${perplexity} rows`);
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width)) throw new Error('tsne: rows differ in width');
  const sq = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let d = 0;
      for (let k = 0; k < width; k++) d += (rows[i][k] - rows[j][k]) ** 2;
      sq[i * n + j] = sq[j * n + i] = d;
    }
  const conditional = conditionalProbabilities(sq, n, perplexity);
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      p[i * n + j] = Math.max((conditional[i * n + j] + conditional[j * n + i]) / (2 * n), 1e-12);

  const rng = new Rng(options.seed ?? 0);
  const y = Float64Array.from({ length: 2 * n }, () => 1e-4 * rng.normal());
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const num = new Float64Array(n * n);
  const learningRate = Math.max(n / 12 / 4, 50);
  let kl = 0;
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < 250 ? 12 : 1;
    const momentum = it < 250 ? 0.5 : 0.8;
    // Student-t kernel w_ij = 1 / (1 + ‖y_i − y_j‖²), each pair once (it is symmetric).
    let sumNum = 0;
    for (let a = 0; a < n; a++) {
      const ax = y[2 * a];
      const ay = y[2 * a + 1];
      for (let b = a + 1; b < n; b++) {
        const dx = ax - y[2 * b];
        const dy = ay - y[2 * b + 1];
        const w = 1 / (1 + dx * dx + dy * dy);
        num[a * n + b] = w;
        sumNum += 2 * w;
      }
    }
    // ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j); the pair (i, j) adds opposite forces to i and j.
    grad.fill(0);
    const lastRound = it === iterations - 1;
    kl = 0;
    for (let a = 0; a < n; a++) {
      const ax = y[2 * a];
      const ay = y[2 * a + 1];
      let gx = 0;
      let gy = 0;
      for (let b = a + 1; b < n; b++) {
        const w = num[a * n + b];
        const q = Math.max(w / sumNum, 1e-12);
        const pab = p[a * n + b];
        const f = 4 * (exaggeration * pab - q) * w;
        const fx = f * (ax - y[2 * b]);
        const fy = f * (ay - y[2 * b + 1]);
        gx += fx;
        gy += fy;
        grad[2 * b] -= fx;
        grad[2 * b + 1] -= fy;
        if (lastRound) kl += 2 * pab * Math.log(pab / q);
      }
      grad[2 * a] += gx;
      grad[2 * a + 1] += gy;
    }
    for (let k = 0; k < 2 * n; k++) {
      // scikit-learn's gains: grow where the gradient opposes the last update, shrink where it agrees.
      gains[k] = Math.max(0.01, update[k] * grad[k] < 0 ? gains[k] + 0.2 : gains[k] * 0.8);
      update[k] = momentum * update[k] - learningRate * gains[k] * grad[k];
      y[k] += update[k];
    }
    let mx = 0;
    let my = 0;
    for (let a = 0; a < n; a++) {
      mx += y[2 * a];
      my += y[2 * a + 1];
    }
    for (let a = 0; a < n; a++) {
      y[2 * a] -= mx / n;
      y[2 * a + 1] -= my / n;
    }
  }
  return { points: Array.from({ length: n }, (_, i) => [y[2 * i], y[2 * i + 1]]), klDivergence: kl };
}
