/**
 * A random forest of CART trees grown as scikit-learn's RandomForestClassifier grows them (bootstrap as row
 * weights, Fisher–Yates feature draws, best split by weighted Gini; see growTree), trees on the classic worker
 * threads: predictions average the trees' leaf class frequencies. Plain JSON, so it is stored in a model
 * directory and predicts anywhere without tfjs. Details and measurements: docs/classic-models.md.
 */
import { Rng } from '../util/rng';
import { classicPool } from './classic-threads';
import { sharedBuffer } from './classic-shared';

export interface RandomForestConfig {
  kind: 'random-forest';
  /** Trees. Default 100 (scikit-learn's). */
  nTrees: number;
  /** Maximum depth; null grows until leaves are pure or smaller than minSamplesSplit. Default null. */
  maxDepth: number | null;
  /** Smallest node that is split. Default 2. */
  minSamplesSplit: number;
  /** Smallest leaf. Default 1. */
  minSamplesLeaf: number;
  /** Features tried per node: 'sqrt' (of the feature count) or a fraction in (0, 1]. Default 'sqrt'. */
  maxFeatures: 'sqrt' | number;
  /** Draw a bootstrap sample per tree. Default true. */
  bootstrap: boolean;
}

export const DEFAULT_RANDOM_FOREST: RandomForestConfig = {
  kind: 'random-forest',
  nTrees: 100,
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  bootstrap: true,
};

/** One tree as flat arrays: node i splits on `feature[i]` at `threshold[i]` (≤ goes left), or is a leaf (feature −1) with class frequencies `value[i]`. */
export interface TreeState {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[][];
}

export interface RandomForestState {
  kind: 'random-forest';
  config: RandomForestConfig;
  nClasses: number;
  trees: TreeState[];
}

/** Values closer than this count as equal when splitting (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;
/** Composite sort keys rank·2²¹ + sample stay exact in a float64 (ranks and samples below 2²¹). */
const SHIFT = 2 ** 21;
const INV_SHIFT = 2 ** -21;

/** keys[0, count) sorted ascending in place (insertion sort when short, else the engine's numeric sort). */
function sortKeys(keys: Float64Array, count: number): Float64Array {
  if (count > 24) return keys.subarray(0, count).sort();
  for (let i = 1; i < count; i++) {
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** The training matrix as the tree builder reads it: column-major float32 values and per-column value ranks. */
interface Columns {
  n: number;
  dims: number;
  /** x[d·n + i]: feature d of row i. */
  x: Float32Array;
  /** rank[d·n + i]: index of row i's value among the distinct values of feature d, ascending. */
  rank: Uint32Array;
  /** sortedValues[d·n + r]: the value of rank r of feature d (the column sorted ascending). */
  sortedValues: Float32Array;
}

function columns(rows: ArrayLike<number>[]): Columns {
  const n = rows.length;
  const dims = rows[0].length;
  if (n >= SHIFT) throw new Error(`fitRandomForest: at most ${SHIFT - 1} rows, got ${n}`);
  const x = new Float32Array(sharedBuffer(4 * n * dims));
  rows.forEach((r, i) => {
    if (r.length !== dims) throw new Error(`fitRandomForest: row ${i} has ${r.length} values, row 0 has ${dims}`);
    for (let d = 0; d < dims; d++) x[d * n + i] = r[d];
  });
  const rank = new Uint32Array(sharedBuffer(4 * n * dims));
  const sortedValues = new Float32Array(sharedBuffer(4 * n * dims));
  for (let d = 0; d < dims; d++) {
    const col = x.subarray(d * n, (d + 1) * n);
    const sorted = sortedValues.subarray(d * n, (d + 1) * n);
    sorted.set(col);
    sorted.sort();
    // Rank = position of the value's first occurrence among the sorted values (binary search).
    for (let i = 0; i < n; i++) {
      let lo = 0;
      let hi = n;
      const v = col[i];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      rank[d * n + i] = lo;
    }
  }
  return { n, dims, x, rank, sortedValues };
}

/**
 * Grow one CART tree as scikit-learn's DepthFirstTreeBuilder with the best splitter does: the bootstrap is a
 * weight per row (its count in the sample; rows drawn 0 times are left out), a node is split unless it is pure
 * or too small in distinct rows, features are drawn without replacement (Fisher–Yates) until `tryFeatures`
 * non-constant ones were searched, and each is searched over every midpoint of its sorted distinct values for
 * the lowest weighted Gini impurity.
 */
function growTree(cols: Columns, y: Int32Array, nClasses: number, weight: Float64Array, config: RandomForestConfig, rng: Rng): TreeState {
  const { n, dims, x, rank, sortedValues } = cols;
  const tree: TreeState = { feature: [], threshold: [], left: [], right: [], value: [] };
  const tryFeatures =
    config.maxFeatures === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(dims))) : Math.max(1, Math.floor(config.maxFeatures * dims));
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i] > 0) m++;
  const samples = new Int32Array(m);
  for (let i = 0, k = 0; i < n; i++) if (weight[i] > 0) samples[k++] = i;
  const keys = new Float64Array(m);
  const features = Int32Array.from({ length: dims }, (_, d) => d);
  const total = new Float64Array(nClasses);
  const left = new Float64Array(nClasses);
  const scratch = new Int32Array(m);

  const build = (start: number, end: number, depth: number, knownConstants: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    total.fill(0);
    let w = 0;
    for (let p = start; p < end; p++) {
      const s = samples[p];
      total[y[s]] += weight[s];
      w += weight[s];
    }
    let sq = 0;
    for (let c = 0; c < nClasses; c++) sq += total[c] * total[c];
    const impurity = 1 - sq / (w * w);
    const count = end - start;
    tree.value.push(Array.from(total, (v) => v / w));
    if (
      (config.maxDepth !== null && depth >= config.maxDepth) ||
      count < config.minSamplesSplit ||
      count < 2 * config.minSamplesLeaf ||
      impurity <= Number.EPSILON
    )
      return node;

    // Best split: maximise Σc²_left / w_left + Σc²_right / w_right (the weighted Gini, up to a constant).
    let bestFeature = -1;
    let bestThreshold = 0;
    let bestProxy = -Infinity;
    let visited = 0;
    let foundConstants = 0;
    let drawnConstants = 0;
    let totalConstants = knownConstants;
    let fi = dims;
    while (fi > totalConstants && (visited < tryFeatures || visited <= foundConstants + drawnConstants)) {
      visited++;
      let fj = drawnConstants + rng.int(fi - foundConstants - drawnConstants);
      if (fj < knownConstants) {
        // A feature constant in an ancestor: constant here too.
        const t = features[drawnConstants];
        features[drawnConstants] = features[fj];
        features[fj] = t;
        drawnConstants++;
        continue;
      }
      fj += foundConstants;
      const d = features[fj];
      const base = d * n;
      for (let p = start; p < end; p++) keys[p - start] = rank[base + samples[p]] * SHIFT + samples[p];
      const sorted = sortKeys(keys, count);
      // A key's rank is ⌊key / 2²¹⌋ and its sample the rest (exact: 2²¹ is a power of two).
      const firstValue = sortedValues[base + Math.floor(sorted[0] * INV_SHIFT)];
      const lastValue = sortedValues[base + Math.floor(sorted[count - 1] * INV_SHIFT)];
      if (lastValue <= firstValue + FEATURE_THRESHOLD) {
        features[fj] = features[totalConstants];
        features[totalConstants] = d;
        foundConstants++;
        totalConstants++;
        continue;
      }
      fi--;
      features[fj] = features[fi];
      features[fi] = d;
      left.fill(0);
      let sqL = 0;
      let sqR = sq;
      let wL = 0;
      const firstRank = Math.floor(sorted[0] * INV_SHIFT);
      let prev = sorted[0] - firstRank * SHIFT;
      let prevValue = sortedValues[base + firstRank];
      for (let p = 1; p < count; p++) {
        // Move sample p − 1 to the left side.
        const c = y[prev];
        const ws = weight[prev];
        const cl = left[c];
        const cr = total[c] - cl;
        sqL += ws * (2 * cl + ws);
        sqR -= ws * (2 * cr - ws);
        left[c] = cl + ws;
        wL += ws;
        const r = Math.floor(sorted[p] * INV_SHIFT);
        const s = sorted[p] - r * SHIFT;
        const value = sortedValues[base + r];
        if (value > prevValue + FEATURE_THRESHOLD && p >= config.minSamplesLeaf && count - p >= config.minSamplesLeaf) {
          const proxy = sqL / wL + sqR / (w - wL);
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestFeature = d;
            let threshold = prevValue / 2 + value / 2;
            if (threshold === value || !Number.isFinite(threshold)) threshold = prevValue;
            bestThreshold = threshold;
          }
        }
        prev = s;
        prevValue = value;
      }
    }
    if (bestFeature < 0) return node;
    // Partition samples[start, end) by the threshold: left rows first, each side in its previous order.
    let l = start;
    let r = 0;
    const base = bestFeature * n;
    for (let p = start; p < end; p++) {
      const s = samples[p];
      if (x[base + s] <= bestThreshold) samples[l++] = s;
      else scratch[r++] = s;
    }
    samples.set(scratch.subarray(0, r), l);
    tree.feature[node] = bestFeature;
    tree.threshold[node] = bestThreshold;
    tree.value[node] = []; // only leaves need frequencies
    tree.left[node] = build(start, l, depth + 1, totalConstants);
    tree.right[node] = build(l, end, depth + 1, totalConstants);
    return node;
  };
  build(0, m, 0, 0);
  return tree;
}

/** Trees of one fit for worker threads: the training matrix, labels, and one seed per tree; taken from `next`. */
export interface ForestJob {
  cols: Columns;
  y: Int32Array;
  nClasses: number;
  config: RandomForestConfig;
  seeds: number[];
  next: Int32Array;
}

/** Take trees from the job's counter and grow them until none is left; each with its index. */
export function growTrees(job: ForestJob): { index: number; tree: TreeState }[] {
  const out: { index: number; tree: TreeState }[] = [];
  const { cols, config } = job;
  for (;;) {
    const t = Atomics.add(job.next, 0, 1);
    if (t >= job.seeds.length) return out;
    const rng = new Rng(job.seeds[t]);
    const weight = new Float64Array(cols.n);
    if (config.bootstrap) for (let i = 0; i < cols.n; i++) weight[rng.int(cols.n)]++;
    else weight.fill(1);
    out.push({ index: t, tree: growTree(cols, job.y, job.nClasses, weight, config, rng) });
  }
}

/**
 * Fit a random forest on feature rows and class indices 0…nClasses−1; `seed` fixes bootstraps and feature
 * draws (each tree has its own seed, drawn in order, so the forest does not depend on how many threads grew it).
 */
export function fitRandomForest(
  rows: ArrayLike<number>[],
  labels: number[],
  nClasses: number,
  config: Partial<RandomForestConfig> = {},
  seed = 0,
): RandomForestState {
  const c: RandomForestConfig = { ...DEFAULT_RANDOM_FOREST, ...config, kind: 'random-forest' };
  if (rows.length === 0) throw new Error('fitRandomForest: no rows');
  const rng = new Rng(seed);
  const job: ForestJob = {
    cols: columns(rows),
    y: new Int32Array(sharedBuffer(4 * labels.length)),
    nClasses,
    config: c,
    seeds: Array.from({ length: c.nTrees }, () => rng.int(2 ** 31)),
    next: new Int32Array(sharedBuffer(4)),
  };
  job.y.set(labels);
  const pool = c.nTrees > 1 ? classicPool() : null;
  const grown = pool
    ? (() => {
        const r = pool.run({ kind: 'forest-trees', ...job }, () => growTrees(job));
        return [r.own, ...(r.workers as ReturnType<typeof growTrees>[])].flat();
      })()
    : growTrees(job);
  const trees = new Array<TreeState>(c.nTrees);
  for (const { index, tree } of grown) trees[index] = tree;
  return { kind: 'random-forest', config: c, nClasses, trees };
}

/** Class probabilities of one row: the mean of the trees' leaf frequencies. */
export function predictForest(state: RandomForestState, row: ArrayLike<number>): number[] {
  const p = new Array<number>(state.nClasses).fill(0);
  for (const t of state.trees) {
    let node = 0;
    while (t.feature[node] >= 0) node = row[t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
    t.value[node].forEach((v, c) => (p[c] += v / state.trees.length));
  }
  return p;
}

/** A forest's trees as flat typed arrays for batch prediction, built once per state object. */
export interface CompiledForest {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf class frequencies at node·nClasses. */
  value: Float64Array;
  roots: Int32Array;
}
const compiledForests = new WeakMap<RandomForestState, CompiledForest>();
function compileForest(state: RandomForestState): CompiledForest {
  let c = compiledForests.get(state);
  if (c) return c;
  const size = state.trees.reduce((s, t) => s + t.feature.length, 0);
  const k = state.nClasses;
  c = {
    feature: new Int32Array(sharedBuffer(4 * size)),
    threshold: new Float64Array(sharedBuffer(8 * size)),
    left: new Int32Array(sharedBuffer(4 * size)),
    right: new Int32Array(sharedBuffer(4 * size)),
    value: new Float64Array(sharedBuffer(8 * size * k)),
    roots: new Int32Array(sharedBuffer(4 * state.trees.length)),
  };
  let at = 0;
  for (const [t, tree] of state.trees.entries()) {
    c.roots[t] = at;
    for (let i = 0; i < tree.feature.length; i++) {
      c.feature[at + i] = tree.feature[i];
      c.threshold[at + i] = tree.threshold[i];
      c.left[at + i] = at + tree.left[i];
      c.right[at + i] = at + tree.right[i];
      tree.value[i].forEach((v, j) => (c!.value[(at + i) * k + j] = v));
    }
    at += tree.feature.length;
  }
  compiledForests.set(state, c);
  return c;
}

/** Class indices of rows: the argmax of the mean leaf frequencies (ties to the lower class index). */
export function predictForestClasses(state: RandomForestState, rows: ArrayLike<number>[]): Int32Array {
  const m = rows.length;
  const dims = m > 0 ? rows[0].length : 0;
  const job: ForestPredictJob = {
    forest: compileForest(state),
    nClasses: state.nClasses,
    x: new Float32Array(sharedBuffer(4 * m * dims)),
    dims,
    next: new Int32Array(sharedBuffer(4)),
    out: new Int32Array(sharedBuffer(4 * m)),
  };
  rows.forEach((r, i) => job.x.set(r, i * dims));
  // Enough rows to pay for waking the worker threads: split them there too.
  const pool = m >= 256 ? classicPool() : null;
  if (pool) pool.run({ kind: 'forest-predict', ...job }, () => predictForestRows(job));
  else predictForestRows(job);
  return job.out;
}

/** Rows of one prediction for worker threads (in blocks of PREDICT_BLOCK taken from `next`). */
export interface ForestPredictJob {
  forest: CompiledForest;
  nClasses: number;
  /** Row-major rows. */
  x: Float32Array;
  dims: number;
  next: Int32Array;
  /** Predicted class of each row. */
  out: Int32Array;
}
const PREDICT_BLOCK = 64;

/** Take blocks of rows from the job's counter and predict them until none is left. */
export function predictForestRows(job: ForestPredictJob): void {
  const { feature, threshold, left, right, value, roots } = job.forest;
  const { x, dims, nClasses: k, out } = job;
  const m = out.length;
  const p = new Float64Array(k);
  for (;;) {
    const r0 = Atomics.add(job.next, 0, 1) * PREDICT_BLOCK;
    if (r0 >= m) return;
    for (let r = r0; r < Math.min(m, r0 + PREDICT_BLOCK); r++) {
      const o = r * dims;
      p.fill(0);
      for (let t = 0; t < roots.length; t++) {
        let node = roots[t];
        for (let f = feature[node]; f >= 0; f = feature[node]) node = x[o + f] <= threshold[node] ? left[node] : right[node];
        for (let j = 0; j < k; j++) p[j] += value[node * k + j];
      }
      let best = 0;
      for (let j = 1; j < k; j++) if (p[j] > p[best]) best = j;
      out[r] = best;
    }
  }
}
