/**
 * One one-vs-one pair of the SVM, trained as libsvm's svm_train does it: the pair's Platt sigmoid first (when
 * asked), then its binary C-SVC. Self-contained over a Gram matrix, so worker threads run pairs too.
 */
import { Mt19937, sigmoidTrain } from './svm-platt';
import { KernelMatrix, solveBinary, type Gram, type GramSpec } from './svm-solver';

/** What a pair's training needs besides the Gram matrix. */
export interface PairSettings {
  C: number;
  tol: number;
  maxIter: number;
  probability: boolean;
  /** The libsvm seed (see libsvmSeed). */
  seed: number;
}

export interface PairResult {
  /** α·y of the pair's rows (rows of its first class, then its second, each in input order). */
  coef: Float64Array;
  rho: number;
  /** Platt sigmoid; NaN without probability. */
  A: number;
  B: number;
}

/**
 * Decision values of a binary solution at the Gram rows `at`: Σ α_t·y_t·K(at, rows_t) − rho (float32 kernel
 * values; libsvm evaluates these in double, a difference far below the 1e-3 that probabilities are held to).
 */
function binaryDecisions(gram: Gram, rows: Int32Array, y: Int8Array, alpha: Float64Array, rho: number, at: ArrayLike<number>): Float64Array {
  const sv: number[] = [];
  for (let t = 0; t < rows.length; t++) if (alpha[t] > 0) sv.push(t);
  const out = new Float64Array(at.length);
  for (let q = 0; q < at.length; q++) {
    gram.ensure(at[q]);
    const base = at[q] * gram.n;
    let s = 0;
    for (const t of sv) s += alpha[t] * y[t] * gram.k[base + rows[t]];
    out[q] = s - rho;
  }
  return out;
}

/**
 * Platt parameters of one pair (rows of its first class labelled +1, then its second labelled −1), as libsvm's
 * svm_binary_svc_probability: a seeded shuffle, 5 folds, each fold's decision values from a machine trained on
 * the other 4 (libsvm regroups that problem with label −1 first, and reseeds its generator per train call).
 */
function pairPlatt(gram: Gram, rows: Int32Array, y: Int8Array, c: PairSettings, seed: number): { A: number; B: number } {
  // libsvm reseeds its generator in every train call; the pair's own call has, and every pair trains at least
  // three folds (each class is non-empty), so each pair's shuffle starts from the seed.
  const rng = new Mt19937(seed);
  const l = rows.length;
  const perm = Int32Array.from({ length: l }, (_, i) => i);
  for (let i = 0; i < l; i++) {
    const j = i + rng.bounded(l - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const dec = new Float64Array(l);
  const folds = 5;
  for (let f = 0; f < folds; f++) {
    const begin = Math.floor((f * l) / folds);
    const end = Math.floor(((f + 1) * l) / folds);
    const neg: number[] = [];
    const pos: number[] = [];
    for (let j = 0; j < l; j++) if (j < begin || j >= end) (y[perm[j]] > 0 ? pos : neg).push(perm[j]);
    const held = perm.subarray(begin, end);
    if (pos.length === 0 || neg.length === 0) {
      const v = pos.length > 0 ? 1 : neg.length > 0 ? -1 : 0;
      for (const j of held) dec[j] = v;
      continue;
    }
    const subRows = Int32Array.from([...neg, ...pos], (j) => rows[j]);
    const subY = Int8Array.from([...neg, ...pos], (j) => (y[j] > 0 ? -1 : 1));
    const { alpha, rho } = solveBinary(gram, subRows, subY, c.C, c.tol, c.maxIter);
    const d = binaryDecisions(gram, subRows, subY, alpha, rho, Int32Array.from(held, (j) => rows[j]));
    held.forEach((j, q) => (dec[j] = -d[q]));
  }
  return sigmoidTrain(dec, y);
}

/** Train the pair of classes (a, b) on the rows of `byClass[a]` then `byClass[b]`. */
export function trainPair(gram: Gram, first: ArrayLike<number>, second: ArrayLike<number>, s: PairSettings): PairResult {
  const idx = new Int32Array(first.length + second.length);
  idx.set(first);
  idx.set(second, first.length);
  const y = Int8Array.from(idx, (_, k) => (k < first.length ? 1 : -1));
  const platt = s.probability ? pairPlatt(gram, idx, y, s, s.seed) : { A: NaN, B: NaN };
  const { alpha, rho } = solveBinary(gram, idx, y, s.C, s.tol, s.maxIter);
  const coef = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) coef[k] = alpha[k] * y[k];
  return { coef, rho, A: platt.A, B: platt.B };
}

/**
 * Every pair of a fit, as a message to worker threads: the Gram matrix, each pair's classes and their two row
 * lists (rows of the Gram matrix), and shared outputs (α·y of pair p at coefAt[p], its rho and Platt A, B at
 * p). Threads take pairs from `next`.
 */
export interface PairJob {
  gram: GramSpec;
  pairs: { a: number; b: number; first: number[]; second: number[]; coefAt: number }[];
  settings: PairSettings;
  next: Int32Array;
  coef: Float64Array;
  /** rho, A, B of pair p at 3p, 3p + 1, 3p + 2. */
  scalars: Float64Array;
}

/** Take pairs from the job's counter and train them until none is left. */
export function runPairs(job: PairJob): void {
  let matrix: KernelMatrix | undefined;
  for (;;) {
    const p = Atomics.add(job.next, 0, 1);
    if (p >= job.pairs.length) return;
    const { a, b, first, second, coefAt } = job.pairs[p];
    matrix ??= new KernelMatrix(job.gram);
    const r = trainPair(matrix.pair(a, b), first, second, job.settings);
    job.coef.set(r.coef, coefAt);
    job.scalars[3 * p] = r.rho;
    job.scalars[3 * p + 1] = r.A;
    job.scalars[3 * p + 2] = r.B;
  }
}
