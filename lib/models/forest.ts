/**
 * A random forest of CART trees (Gini impurity, a random subset of features per node, bootstrap samples),
 * following scikit-learn's RandomForestClassifier: predictions average the trees' leaf class frequencies.
 * Plain JSON, so it is stored in a model directory and predicts anywhere without tfjs.
 */
import { Rng } from '../util/rng';

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

function gini(counts: Float64Array, total: number): number {
  if (total === 0) return 0;
  let s = 0;
  for (let c = 0; c < counts.length; c++) s += counts[c] * counts[c];
  return 1 - s / (total * total);
}

/** Grow one CART tree on `rows` (indices into x, with repeats for a bootstrap sample). */
function growTree(
  x: Float64Array,
  dims: number,
  y: Int32Array,
  nClasses: number,
  rows: number[],
  config: RandomForestConfig,
  rng: Rng,
): TreeState {
  const tree: TreeState = { feature: [], threshold: [], left: [], right: [], value: [] };
  const tryFeatures =
    config.maxFeatures === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(dims))) : Math.max(1, Math.floor(config.maxFeatures * dims));
  const allFeatures = Array.from({ length: dims }, (_, d) => d);
  const leftCounts = new Float64Array(nClasses);
  const rightCounts = new Float64Array(nClasses);
  const values = new Float64Array(rows.length);
  const order = new Uint32Array(rows.length);

  const build = (idx: number[], depth: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    const counts = new Float64Array(nClasses);
    for (const r of idx) counts[y[r]]++;
    tree.value.push(Array.from(counts, (c) => c / idx.length));
    const n = idx.length;
    const parentImpurity = gini(counts, n);
    if (parentImpurity === 0 || n < config.minSamplesSplit || n < 2 * config.minSamplesLeaf) return node;
    if (config.maxDepth !== null && depth >= config.maxDepth) return node;

    let bestFeature = -1;
    let bestThreshold = 0;
    let bestScore = Infinity;
    // Partial Fisher–Yates: the first tryFeatures entries are a random subset. Like scikit-learn, keep
    // drawing past constant features until one split is found (or every feature was tried).
    const features = allFeatures;
    for (let f = 0; f < dims && (f < tryFeatures || bestFeature < 0); f++) {
      const j = f + rng.int(dims - f);
      [features[f], features[j]] = [features[j], features[f]];
      const d = features[f];
      for (let i = 0; i < n; i++) {
        values[i] = x[idx[i] * dims + d];
        order[i] = i;
      }
      const ord = order.subarray(0, n).sort((a, b) => values[a] - values[b]);
      if (values[ord[0]] === values[ord[n - 1]]) continue;
      leftCounts.fill(0);
      rightCounts.set(counts);
      for (let i = 0; i < n - 1; i++) {
        const c = y[idx[ord[i]]];
        leftCounts[c]++;
        rightCounts[c]--;
        const nl = i + 1;
        if (values[ord[i]] === values[ord[i + 1]] || nl < config.minSamplesLeaf || n - nl < config.minSamplesLeaf) continue;
        const score = nl * gini(leftCounts, nl) + (n - nl) * gini(rightCounts, n - nl);
        if (score < bestScore) {
          bestScore = score;
          bestFeature = d;
          bestThreshold = (values[ord[i]] + values[ord[i + 1]]) / 2;
        }
      }
    }
    if (bestFeature < 0 || bestScore >= parentImpurity * n - 1e-12) return node;
    const leftIdx: number[] = [];
    const rightIdx: number[] = [];
    for (const r of idx) (x[r * dims + bestFeature] <= bestThreshold ? leftIdx : rightIdx).push(r);
    tree.feature[node] = bestFeature;
    tree.threshold[node] = bestThreshold;
    tree.left[node] = build(leftIdx, depth + 1);
    tree.right[node] = build(rightIdx, depth + 1);
    tree.value[node] = []; // only leaves need frequencies
    return node;
  };
  build(rows, 0);
  return tree;
}

function flatten(rows: ArrayLike<number>[]): { x: Float64Array; dims: number } {
  const dims = rows[0].length;
  const x = new Float64Array(rows.length * dims);
  rows.forEach((r, i) => {
    for (let d = 0; d < dims; d++) x[i * dims + d] = r[d];
  });
  return { x, dims };
}

/** Fit a random forest on feature rows and class indices 0…nClasses−1; `seed` fixes bootstraps and feature draws. */
export function fitRandomForest(
  rows: ArrayLike<number>[],
  labels: number[],
  nClasses: number,
  config: Partial<RandomForestConfig> = {},
  seed = 0,
): RandomForestState {
  const c: RandomForestConfig = { ...DEFAULT_RANDOM_FOREST, ...config, kind: 'random-forest' };
  if (rows.length === 0) throw new Error('fitRandomForest: no rows');
  const { x, dims } = flatten(rows);
  const y = Int32Array.from(labels);
  const rng = new Rng(seed);
  const trees: TreeState[] = [];
  for (let t = 0; t < c.nTrees; t++) {
    const sample = c.bootstrap ? Array.from({ length: rows.length }, () => rng.int(rows.length)) : rows.map((_, i) => i);
    trees.push(growTree(x, dims, y, nClasses, sample, c, rng));
  }
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

/** Class indices of rows: the argmax of the mean leaf frequencies (ties to the lower class index). */
export function predictForestClasses(state: RandomForestState, rows: ArrayLike<number>[]): Int32Array {
  return Int32Array.from(rows, (row) => {
    const p = predictForest(state, row);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    return best;
  });
}
