/**
 * A C-SVM with an RBF kernel, trained like libsvm (scikit-learn's SVC): one binary SMO problem per pair of
 * classes (one-vs-one), working sets chosen with second-order information (Fan, Chen & Lin 2005), and
 * prediction by majority vote of the pairwise decisions (ties to the lower class index). Plain JSON state.
 */

export interface SvmConfig {
  kind: 'svm';
  /** Soft-margin penalty. Default 10 (the reference baseline's). */
  C: number;
  /** RBF width: 'scale' is 1 / (features × variance of all training values), scikit-learn's default; or a number. */
  gamma: 'scale' | number;
  /** Stopping tolerance on the KKT gap. Default 1e-3 (libsvm's). */
  tol: number;
  /** Iteration cap per binary problem. Default 1e6. */
  maxIter: number;
  /**
   * Columns [from, to) multiplied by `factor` before the kernel (and before 'scale' measures the variance):
   * weights a small block against a large one in the RBF distance. Default none.
   */
  columnScales?: { from: number; to: number; factor: number }[];
}

export const DEFAULT_SVM: SvmConfig = { kind: 'svm', C: 10, gamma: 'scale', tol: 1e-3, maxIter: 1_000_000 };

/** One pairwise machine: classes (a, b), support-vector indices into `supportVectors`, coefficients α·y, and −rho. */
interface PairMachine {
  a: number;
  b: number;
  sv: number[];
  coef: number[];
  bias: number;
}

export interface SvmState {
  kind: 'svm';
  config: SvmConfig;
  gamma: number;
  nClasses: number;
  supportVectors: number[][];
  machines: PairMachine[];
}

/** Solve the dual of one binary C-SVM (labels ±1) with kernel rows from `kernel(i, j)`. Returns α and rho. */
function smo(
  n: number,
  y: Int8Array,
  kernel: (i: number, j: number) => number,
  C: number,
  tol: number,
  maxIter: number,
): { alpha: Float64Array; rho: number } {
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) QD[i] = kernel(i, i);
  const TAU = 1e-12;
  const rowCache = new Map<number, Float64Array>();
  const qRow = (i: number): Float64Array => {
    let r = rowCache.get(i);
    if (!r) {
      r = new Float64Array(n);
      for (let j = 0; j < n; j++) r[j] = y[i] * y[j] * kernel(i, j);
      rowCache.set(i, r);
    }
    return r;
  };
  const upper = (t: number) => alpha[t] >= C;
  const lower = (t: number) => alpha[t] <= 0;
  for (let iter = 0; iter < maxIter; iter++) {
    let gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (!upper(t) && -G[t] >= gmax) [gmax, i] = [-G[t], t];
      } else if (!lower(t) && G[t] >= gmax) [gmax, i] = [G[t], t];
    }
    if (i < 0) break;
    const Qi = qRow(i);
    let gmax2 = -Infinity;
    let j = -1;
    let objMin = Infinity;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (lower(t)) continue;
        const gradDiff = gmax + G[t];
        if (G[t] >= gmax2) gmax2 = G[t];
        if (gradDiff > 0) {
          const quad = QD[i] + QD[t] - 2 * y[i] * Qi[t];
          const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (obj <= objMin) [j, objMin] = [t, obj];
        }
      } else {
        if (upper(t)) continue;
        const gradDiff = gmax - G[t];
        if (-G[t] >= gmax2) gmax2 = -G[t];
        if (gradDiff > 0) {
          const quad = QD[i] + QD[t] + 2 * y[i] * Qi[t];
          const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (obj <= objMin) [j, objMin] = [t, obj];
        }
      }
    }
    if (gmax + gmax2 < tol || j < 0) break;
    const Qj = qRow(j);
    const [oldI, oldJ] = [alpha[i], alpha[j]];
    if (y[i] !== y[j]) {
      const quad = Math.max(QD[i] + QD[j] + 2 * Qi[j], TAU);
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) [alpha[j], alpha[i]] = [0, diff];
      } else if (alpha[i] < 0) [alpha[i], alpha[j]] = [0, -diff];
      if (diff > 0) {
        if (alpha[i] > C) [alpha[i], alpha[j]] = [C, C - diff];
      } else if (alpha[j] > C) [alpha[j], alpha[i]] = [C, C + diff];
    } else {
      const quad = Math.max(QD[i] + QD[j] - 2 * Qi[j], TAU);
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) [alpha[i], alpha[j]] = [C, sum - C];
      } else if (alpha[j] < 0) [alpha[j], alpha[i]] = [0, sum];
      if (sum > C) {
        if (alpha[j] > C) [alpha[j], alpha[i]] = [C, sum - C];
      } else if (alpha[i] < 0) [alpha[i], alpha[j]] = [0, sum];
    }
    const dI = alpha[i] - oldI;
    const dJ = alpha[j] - oldJ;
    for (let t = 0; t < n; t++) G[t] += Qi[t] * dI + Qj[t] * dJ;
  }
  // rho: mean of y·G over free vectors, else the middle of the feasible interval (libsvm's calculate_rho).
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = y[t] * G[t];
    if (upper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  return { alpha, rho: nFree > 0 ? sumFree / nFree : (ub + lb) / 2 };
}

/** A row with {@link SvmConfig.columnScales} applied (a copy). */
export function scaleColumns(row: ArrayLike<number>, scales: SvmConfig['columnScales']): Float64Array {
  const out = Float64Array.from(row);
  for (const { from, to, factor } of scales ?? []) for (let d = from; d < to; d++) out[d] *= factor;
  return out;
}

/** Fit a one-vs-one RBF C-SVM on feature rows and class indices 0…nClasses−1 (deterministic). */
export function fitSvm(rows: ArrayLike<number>[], labels: number[], nClasses: number, config: Partial<SvmConfig> = {}): SvmState {
  const c: SvmConfig = { ...DEFAULT_SVM, ...config, kind: 'svm' };
  if (rows.length === 0) throw new Error('fitSvm: no rows');
  const n = rows.length;
  const dims = rows[0].length;
  const x = new Float64Array(n * dims);
  rows.forEach((r, i) => x.set(scaleColumns(r, c.columnScales), i * dims));
  let gamma: number;
  if (c.gamma === 'scale') {
    let mean = 0;
    for (let i = 0; i < x.length; i++) mean += x[i];
    mean /= x.length;
    let v = 0;
    for (let i = 0; i < x.length; i++) v += (x[i] - mean) ** 2;
    v /= x.length;
    gamma = v > 0 ? 1 / (dims * v) : 1;
  } else gamma = c.gamma;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += x[i * dims + d] ** 2;
    norms[i] = s;
  }
  const rbf = (i: number, j: number): number => {
    let dot = 0;
    const oi = i * dims;
    const oj = j * dims;
    for (let d = 0; d < dims; d++) dot += x[oi + d] * x[oj + d];
    return Math.exp(-gamma * Math.max(0, norms[i] + norms[j] - 2 * dot));
  };
  const byClass = Array.from({ length: nClasses }, () => [] as number[]);
  labels.forEach((l, i) => byClass[l].push(i));
  const used = new Map<number, number>();
  const supportVectors: number[][] = [];
  const machines: PairMachine[] = [];
  for (let a = 0; a < nClasses; a++)
    for (let b = a + 1; b < nClasses; b++) {
      const idx = [...byClass[a], ...byClass[b]];
      if (byClass[a].length === 0 || byClass[b].length === 0) continue;
      const y = Int8Array.from(idx, (r) => (labels[r] === a ? 1 : -1));
      const { alpha, rho } = smo(idx.length, y, (i, j) => rbf(idx[i], idx[j]), c.C, c.tol, c.maxIter);
      const m: PairMachine = { a, b, sv: [], coef: [], bias: -rho };
      alpha.forEach((al, k) => {
        if (al <= 0) return;
        const r = idx[k];
        let s = used.get(r);
        if (s === undefined) {
          s = supportVectors.length;
          used.set(r, s);
          supportVectors.push(Array.from(x.subarray(r * dims, (r + 1) * dims)));
        }
        m.sv.push(s);
        m.coef.push(al * y[k]);
      });
      machines.push(m);
    }
  return { kind: 'svm', config: c, gamma, nClasses, supportVectors, machines };
}

/** Vote shares of one row (votes / machines), so argmax is the SVM's one-vs-one prediction. */
export function predictSvm(state: SvmState, input: ArrayLike<number>): number[] {
  const row = state.config.columnScales?.length ? scaleColumns(input, state.config.columnScales) : input;
  const k = state.supportVectors.map((sv) => {
    let d2 = 0;
    for (let i = 0; i < sv.length; i++) d2 += (sv[i] - row[i]) ** 2;
    return Math.exp(-state.gamma * d2);
  });
  const votes = new Array<number>(state.nClasses).fill(0);
  for (const m of state.machines) {
    let f = m.bias;
    for (let s = 0; s < m.sv.length; s++) f += m.coef[s] * k[m.sv[s]];
    votes[f > 0 ? m.a : m.b]++;
  }
  return votes.map((v) => v / Math.max(1, state.machines.length));
}
