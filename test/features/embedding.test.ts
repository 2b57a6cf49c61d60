import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionalProbabilities,
  fitPca,
  pcaTransform,
  symmetricEigen,
  topEigen,
  tsne,
} from '../../lib/features/embedding';
import { Rng } from '../../lib/util/rng';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

test('symmetricEigen: known 3×3 spectrum, orthonormal vectors, A v = λ v', () => {
  // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 5, 3, 1.
  const a = [2, 1, 0, 1, 2, 0, 0, 0, 5];
  const { values, vectors } = symmetricEigen(a, 3);
  values.forEach((v, i) => close(v, [5, 3, 1][i], 1e-12, `λ${i}`));
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const dot = vectors[i].reduce((s, x, k) => s + x * vectors[j][k], 0);
      close(dot, i === j ? 1 : 0, 1e-12, `v${i}·v${j}`);
    }
    for (let r = 0; r < 3; r++) {
      const av = a[r * 3] * vectors[i][0] + a[r * 3 + 1] * vectors[i][1] + a[r * 3 + 2] * vectors[i][2];
      close(av, values[i] * vectors[i][r], 1e-12, `(A v${i})[${r}]`);
    }
  }
  assert.throws(() => symmetricEigen([1, 2, 3], 2), /2×2/);
});

test('symmetricEigen: a random 40×40 covariance is reconstructed from its decomposition', () => {
  const rng = new Rng(3);
  const n = 40;
  const x = Array.from({ length: 60 }, () => Array.from({ length: n }, () => rng.normal()));
  const a = new Float64Array(n * n);
  for (const r of x) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += r[i] * r[j];
  const { values, vectors } = symmetricEigen(a, n);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i], 'descending');
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += values[k] * vectors[k][i] * vectors[k][j];
      worst = Math.max(worst, Math.abs(s - a[i * n + j]));
    }
  assert.ok(worst < 1e-9, `max reconstruction error ${worst}`);
});

test('topEigen (subspace iteration) agrees with full Jacobi on a 120×120 covariance', () => {
  const rng = new Rng(11);
  const n = 120;
  // Columns with decaying scales and some correlation, like standardised audio features.
  const x = Array.from({ length: 300 }, () => {
    const common = rng.normal();
    return Array.from({ length: n }, (_, j) => (rng.normal() + common * (j % 3)) / (1 + j / 10));
  });
  const a = new Float64Array(n * n);
  for (const r of x) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += r[i] * r[j];
  const full = symmetricEigen(a, n);
  const top = topEigen(a, n, 3);
  for (let i = 0; i < 3; i++) {
    close(top.values[i], full.values[i], 1e-9 * full.values[0], `λ${i}`);
    const cosine = Math.abs(top.vectors[i].reduce((s, v, j) => s + v * full.vectors[i][j], 0));
    close(cosine, 1, 1e-9, `v${i}`);
  }
  assert.throws(() => topEigen(a, n, 0), /k must be/);
});

/** Points spread along known orthogonal directions with standard deviations 5, 2 and 0.5, plus a mean. */
function anisotropicCloud(n: number, seed: number): { rows: number[][]; axes: number[][] } {
  const rng = new Rng(seed);
  const s = Math.SQRT1_2;
  const axes = [
    [s, s, 0, 0],
    [0, 0, 1, 0],
    [s, -s, 0, 0],
  ];
  const sds = [5, 2, 0.5];
  const rows = Array.from({ length: n }, () => {
    const row = [10, -3, 7, 1];
    axes.forEach((axis, a) => {
      const t = sds[a] * rng.normal();
      axis.forEach((v, j) => (row[j] += t * v));
    });
    return row;
  });
  return { rows, axes };
}

test('fitPca recovers the principal axes and their variance shares', () => {
  const { rows, axes } = anisotropicCloud(4000, 1);
  const model = fitPca(rows, 2);
  for (let c = 0; c < 2; c++) {
    const cosine = Math.abs(model.components[c].reduce((s, v, j) => s + v * axes[c][j], 0));
    assert.ok(cosine > 0.999, `component ${c} aligned with its axis (|cos| ${cosine})`);
  }
  // Population shares: 25, 4 and 0.25 of 29.25.
  close(model.explainedVarianceRatio[0], 25 / 29.25, 0.02, 'ratio 0');
  close(model.explainedVarianceRatio[1], 4 / 29.25, 0.01, 'ratio 1');
  close(model.mean[0], 10, 0.3, 'mean');
  // Signs are fixed: the largest loading of every axis is positive.
  for (const axis of model.components) {
    const largest = axis.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
    assert.ok(largest > 0);
  }
  // Scores are centred and their variance is the explained variance.
  const scores = pcaTransform(model, rows);
  for (let c = 0; c < 2; c++) {
    const values = scores.map((s) => s[c]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    close(mean, 0, 1e-9, `score mean ${c}`);
    close(variance, model.explainedVariance[c], 1e-6 * variance, `score variance ${c}`);
  }
});

test('fitPca: the Gram route (fewer rows than features) agrees with the covariance route', () => {
  const rng = new Rng(7);
  // 12 rows of 30 features take the Gram route.
  const wide = Array.from({ length: 12 }, () => Array.from({ length: 30 }, () => rng.normal()));
  const viaGram = fitPca(wide, 3);
  // Duplicating every row 3 times gives 36 ≥ 30 rows (covariance route) with the same axes;
  // variances scale by (12 − 1) / (36 − 1) × 3.
  const tall = wide.flatMap((r) => [r, r, r]);
  const viaCov = fitPca(tall, 3);
  for (let c = 0; c < 3; c++) {
    const cosine = viaGram.components[c].reduce((s, v, j) => s + v * viaCov.components[c][j], 0);
    close(cosine, 1, 1e-9, `component ${c} (same sign too)`);
    close(viaCov.explainedVariance[c], (viaGram.explainedVariance[c] * 11 * 3) / 35, 1e-9, `variance ${c}`);
    close(viaCov.explainedVarianceRatio[c], viaGram.explainedVarianceRatio[c], 1e-12, `ratio ${c}`);
  }
  const a = pcaTransform(viaGram, wide);
  const b = pcaTransform(viaCov, wide);
  a.forEach((row, i) => row.forEach((v, c) => close(v, b[i][c], 1e-9, `score ${i},${c}`)));
});

test('fitPca rejects bad input', () => {
  assert.throws(() => fitPca([[1, 2]], 1), /at least 2 rows/);
  assert.throws(
    () =>
      fitPca(
        [
          [1, 2],
          [3, 4, 5],
        ],
        1,
      ),
    /differ in width/,
  );
  assert.throws(
    () =>
      fitPca(
        [
          [1, 2],
          [3, 4],
        ],
        3,
      ),
    /components/,
  );
  assert.throws(() => pcaTransform(fitPca(anisotropicCloud(10, 2).rows, 1), [[1, 2]]), /model 4/);
});

test('conditionalProbabilities: each row is a distribution with entropy log(perplexity)', () => {
  const rng = new Rng(5);
  const n = 40;
  const x = Array.from({ length: n }, () => [rng.normal() * 3, rng.normal()]);
  const sq = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) sq[i * n + j] = (x[i][0] - x[j][0]) ** 2 + (x[i][1] - x[j][1]) ** 2;
  for (const perplexity of [5, 15]) {
    const p = conditionalProbabilities(sq, n, perplexity);
    for (let i = 0; i < n; i++) {
      const row = Array.from(p.subarray(i * n, (i + 1) * n));
      assert.equal(row[i], 0, 'no self-affinity');
      close(
        row.reduce((a, b) => a + b, 0),
        1,
        1e-12,
        `row ${i} sums to 1`,
      );
      const entropy = -row.reduce((h, v) => (v > 0 ? h + v * Math.log(v) : h), 0);
      close(entropy, Math.log(perplexity), 1e-4, `row ${i} entropy at perplexity ${perplexity}`);
    }
  }
  assert.throws(() => conditionalProbabilities(sq, n, n), /perplexity/);
});

test('tsne keeps clusters apart and neighbours together; same seed, same map', () => {
  // Three clusters in 10-D, 30 points each, separated by 10 standard deviations.
  const rng = new Rng(1);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < 30; i++) {
      rows.push(Array.from({ length: 10 }, (_, k) => (k === c ? 10 : 0) + rng.normal()));
      labels.push(c);
    }
  const { points, klDivergence } = tsne(rows, { perplexity: 10, iterations: 400, seed: 3 });
  assert.equal(points.length, 90);
  assert.ok(klDivergence > 0 && klDivergence < 1.5, `KL ${klDivergence}`);
  const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  // Every point's nearest neighbour in the map is from its own cluster.
  points.forEach((p, i) => {
    let nearest = -1;
    points.forEach((q, j) => {
      if (j !== i && (nearest < 0 || dist(p, q) < dist(p, points[nearest]))) nearest = j;
    });
    assert.equal(labels[nearest], labels[i], `point ${i}`);
  });
  // Clusters are compact relative to the gaps between them.
  const centre = (c: number) => {
    const own = points.filter((_, i) => labels[i] === c);
    return [own.reduce((s, p) => s + p[0], 0) / own.length, own.reduce((s, p) => s + p[1], 0) / own.length];
  };
  const centres = [0, 1, 2].map(centre);
  const spread = Math.max(...points.map((p, i) => dist(p, centres[labels[i]])));
  const gap = Math.min(
    dist(centres[0], centres[1]),
    dist(centres[0], centres[2]),
    dist(centres[1], centres[2]),
  );
  assert.ok(gap > spread, `gap ${gap} vs spread ${spread}`);
  assert.deepEqual(
    tsne(rows, { perplexity: 10, iterations: 50, seed: 3 }),
    tsne(rows, { perplexity: 10, iterations: 50, seed: 3 }),
  );
  assert.throws(() => tsne(rows.slice(0, 3)), /at least 4 rows/);
  assert.throws(() => tsne(rows.slice(0, 20), { perplexity: 30 }), /perplexity/);
});
