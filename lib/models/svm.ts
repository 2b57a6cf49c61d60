/**
 * A C-SVM with an RBF kernel, trained as scikit-learn's SVC trains it (libsvm): one binary SMO problem per pair
 * of classes (one-vs-one; svm-solver.ts), prediction by majority vote of the pairwise decisions (ties to the
 * lower class index), and with `probability` calibrated class probabilities from the pairs' Platt sigmoids
 * (svm-platt.ts, svm-pair.ts), SVC(probability=True)'s for the same random_state. Plain JSON state. Details and
 * measurements: docs/classic-models.md.
 */
import { multiclassProbability, libsvmSeed, pairProbability } from './svm-platt';
import { runPairs, type PairJob } from './svm-pair';
import { sharedBuffer } from './classic-shared';
import { classicPool } from './classic-threads';
import { rbfKernel, rbfGram, rowNorms } from './svm-solver';

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
  /** Also fit each pair's Platt sigmoid (5-fold cross-validation), for {@link predictSvmProba}. Default false. */
  probability?: boolean;
  /** scikit-learn's random_state for the probability folds. Default 0. */
  randomState?: number;
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
  /** Platt sigmoid of each machine (P(first class) = 1 / (1 + exp(A·f + B))); present when fitted with probability. */
  platt?: { A: number[]; B: number[] };
}

/** A row with {@link SvmConfig.columnScales} applied (a copy). */
export function scaleColumns(row: ArrayLike<number>, scales: SvmConfig['columnScales']): Float64Array {
  const out = Float64Array.from(row);
  for (const { from, to, factor } of scales ?? []) for (let d = from; d < to; d++) out[d] *= factor;
  return out;
}

/** The training rows as one row-major float64 matrix, column scales applied. */
function flattenRows(rows: ArrayLike<number>[], scales: SvmConfig['columnScales']): Float64Array {
  const dims = rows[0].length;
  const x = new Float64Array(rows.length * dims);
  rows.forEach((r, i) => {
    if (r.length !== dims) throw new Error(`fitSvm: row ${i} has ${r.length} values, row 0 has ${dims}`);
    x.set(scales?.length ? scaleColumns(r, scales) : r, i * dims);
  });
  return x;
}

/** Fewest rows per pair (on average) for which the kernel matrix is filled lazily. */
const LAZY_MIN_PAIR_ROWS = 300;

/** scikit-learn's gamma='scale': 1 / (features × variance of every training value). */
function scaleGamma(x: Float64Array, dims: number): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - mean) ** 2;
  v /= x.length;
  return v > 0 ? 1 / (dims * v) : 1;
}

/**
 * Fit a one-vs-one RBF C-SVM on feature rows and class indices 0…nClasses−1 (deterministic): libsvm's
 * algorithm as scikit-learn's SVC runs it, pairs over the classes present in ascending order, each pair's rows
 * in input order (its first class labelled +1). With `probability`, also each pair's Platt sigmoid, as
 * SVC(probability=True, random_state=randomState).
 */
export function fitSvm(rows: ArrayLike<number>[], labels: number[], nClasses: number, config: Partial<SvmConfig> = {}): SvmState {
  const c: SvmConfig = { ...DEFAULT_SVM, ...config, kind: 'svm' };
  if (rows.length === 0) throw new Error('fitSvm: no rows');
  const n = rows.length;
  const dims = rows[0].length;
  const x = flattenRows(rows, c.columnScales);
  const gamma = c.gamma === 'scale' ? scaleGamma(x, dims) : c.gamma;
  const byClass = Array.from({ length: nClasses }, () => [] as number[]);
  labels.forEach((l, i) => byClass[l].push(i));
  // The Gram matrix's rows ordered by class (each class's in input order): a pair reads two contiguous blocks.
  const order = Int32Array.from(byClass.flat());
  const classStart = new Int32Array(nClasses + 1);
  byClass.forEach((r, cl) => (classStart[cl + 1] = classStart[cl] + r.length));
  // Filled lazily where a pair's solver touches few of its rows: large pairs (on TESS's 400-row pairs it
  // computed 38 % of the matrix, on RAVDESS's 200-row pairs 90 %, where one-row blocks cost more than the whole
  // matrix in 4-row blocks), and not with probability, whose cross-validation reads every row of every pair.
  const present = byClass.filter((r) => r.length > 0).length;
  const lazy = !c.probability && (2 * n) / Math.max(1, present) >= LAZY_MIN_PAIR_ROWS;
  const pool = classicPool();
  const gram = rbfGram(x, n, dims, gamma, classStart, lazy, pool?.threads ?? 1, order);
  const range = (cl: number) => Array.from({ length: byClass[cl].length }, (_, i) => classStart[cl] + i);
  // Every pair of classes present, in libsvm's order; trained on the worker threads and this one.
  const pairs: PairJob['pairs'] = [];
  let coefLength = 0;
  for (let a = 0; a < nClasses; a++)
    for (let b = a + 1; b < nClasses; b++) {
      if (byClass[a].length === 0 || byClass[b].length === 0) continue;
      pairs.push({ a, b, first: range(a), second: range(b), coefAt: coefLength });
      coefLength += byClass[a].length + byClass[b].length;
    }
  const job: PairJob = {
    gram,
    pairs,
    settings: { C: c.C, tol: c.tol, maxIter: c.maxIter, probability: !!c.probability, seed: libsvmSeed(c.randomState ?? 0) },
    next: new Int32Array(sharedBuffer(4)),
    coef: new Float64Array(sharedBuffer(8 * coefLength)),
    scalars: new Float64Array(sharedBuffer(8 * 3 * pairs.length)),
  };
  if (pool && pairs.length > 1) pool.run({ kind: 'svm-pairs', ...job }, () => runPairs(job));
  else runPairs(job);

  const used = new Map<number, number>();
  const supportVectors: number[][] = [];
  const platt: { A: number[]; B: number[] } = { A: [], B: [] };
  const machines = pairs.map(({ a, b, first, coefAt }, p): PairMachine => {
    const m: PairMachine = { a, b, sv: [], coef: [], bias: -job.scalars[3 * p] };
    platt.A.push(job.scalars[3 * p + 1]);
    platt.B.push(job.scalars[3 * p + 2]);
    for (let k = 0; k < byClass[a].length + byClass[b].length; k++) {
      const coef = job.coef[coefAt + k];
      if (coef === 0) continue;
      const r = k < first.length ? byClass[a][k] : byClass[b][k - first.length];
      let s = used.get(r);
      if (s === undefined) {
        s = supportVectors.length;
        used.set(r, s);
        const v = new Array<number>(dims);
        for (let d = 0; d < dims; d++) v[d] = x[r * dims + d];
        supportVectors.push(v);
      }
      m.sv.push(s);
      m.coef.push(coef);
    }
    return m;
  });
  return { kind: 'svm', config: c, gamma, nClasses, supportVectors, machines, ...(c.probability ? { platt } : {}) };
}

/** Typed views of a state for batch prediction, built once per state object. */
interface Compiled {
  sv: Float64Array;
  svNorm: Float64Array;
  dims: number;
  machines: { a: number; b: number; sv: Int32Array; coef: Float64Array; bias: number }[];
}
const compiled = new WeakMap<SvmState, Compiled>();
function compile(state: SvmState): Compiled {
  let c = compiled.get(state);
  if (!c) {
    const dims = state.supportVectors[0]?.length ?? 0;
    const sv = new Float64Array(state.supportVectors.length * dims);
    state.supportVectors.forEach((v, i) => sv.set(v, i * dims));
    c = {
      sv,
      svNorm: rowNorms(sv, state.supportVectors.length, dims),
      dims,
      machines: state.machines.map((m) => ({ ...m, sv: Int32Array.from(m.sv), coef: Float64Array.from(m.coef) })),
    };
    compiled.set(state, c);
  }
  return c;
}

/** Pairwise decision values of rows (one array per row, in machine order): > 0 votes for the pair's first class. */
export function svmDecisionValues(state: SvmState, rows: ArrayLike<number>[]): Float64Array[] {
  const c = compile(state);
  const nsv = state.supportVectors.length;
  const out: Float64Array[] = [];
  const block = 128;
  const k = new Float64Array(block * nsv);
  for (let start = 0; start < rows.length; start += block) {
    const m = Math.min(block, rows.length - start);
    const x = flattenRows(rows.slice(start, start + m), state.config.columnScales);
    rbfKernel(x, m, rowNorms(x, m, c.dims), c.sv, nsv, c.svNorm, c.dims, state.gamma, k, false);
    for (let r = 0; r < m; r++) {
      const base = r * nsv;
      const d = new Float64Array(c.machines.length);
      c.machines.forEach((mc, p) => {
        let f = mc.bias;
        for (let s = 0; s < mc.sv.length; s++) f += mc.coef[s] * k[base + mc.sv[s]];
        d[p] = f;
      });
      out.push(d);
    }
  }
  return out;
}

/** Class indices of rows: the one-vs-one majority vote, ties to the lower class index (libsvm's rule). */
export function predictSvmClasses(state: SvmState, rows: ArrayLike<number>[]): Int32Array {
  const votes = new Int32Array(state.nClasses);
  return Int32Array.from(svmDecisionValues(state, rows), (d) => {
    votes.fill(0);
    state.machines.forEach((m, p) => votes[d[p] > 0 ? m.a : m.b]++);
    let best = 0;
    for (let i = 1; i < votes.length; i++) if (votes[i] > votes[best]) best = i;
    return best;
  });
}

/**
 * Calibrated class probabilities of rows (each sums to 1; classes absent from training get 0): the pairs'
 * Platt sigmoids coupled by libsvm's multiclass_probability. Needs a state fitted with `probability: true`.
 */
export function predictSvmProba(state: SvmState, rows: ArrayLike<number>[]): number[][] {
  const platt = state.platt;
  if (!platt) throw new Error('predictSvmProba: the SVM was fitted without probability: true');
  const present = [...new Set(state.machines.flatMap((m) => [m.a, m.b]))].sort((u, v) => u - v);
  const at = new Map(present.map((cl, i) => [cl, i]));
  return svmDecisionValues(state, rows).map((d) => {
    const out = new Array<number>(state.nClasses).fill(0);
    if (present.length === 0) return out;
    const r = present.map(() => new Array<number>(present.length).fill(0));
    state.machines.forEach((m, p) => {
      const i = at.get(m.a)!;
      const j = at.get(m.b)!;
      r[i][j] = pairProbability(d[p], platt.A[p], platt.B[p]);
      r[j][i] = 1 - r[i][j];
    });
    const p = present.length === 1 ? [1] : multiclassProbability(r);
    present.forEach((cl, i) => (out[cl] = p[i]));
    return out;
  });
}

/** Vote shares of one row (votes / machines), so argmax is the SVM's one-vs-one prediction. */
export function predictSvm(state: SvmState, input: ArrayLike<number>): number[] {
  const d = svmDecisionValues(state, [input])[0];
  const votes = new Array<number>(state.nClasses).fill(0);
  state.machines.forEach((m, p) => votes[d[p] > 0 ? m.a : m.b]++);
  return votes.map((v) => v / Math.max(1, state.machines.length));
}
