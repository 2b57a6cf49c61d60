/**
 * The SVM reproduces scikit-learn 1.2's SVC (Debian's /usr/bin/python3): the same predictions, probabilities
 * from libsvm's cross-validated Platt sigmoids to 1e-3 (the fold shuffle follows scikit-learn's generator), the
 * generator itself against numpy's, and the WebAssembly kernel against the TypeScript one bit for bit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { svmKernelModule, svmRuntime } from '../../lib/models/classic-threads';
import { fitSvm, predictSvm, predictSvmClasses, predictSvmProba, type SvmState } from '../../lib/models/svm';
import { libsvmSeed, Mt19937 } from '../../lib/models/svm-platt';
import { KernelMatrix, rbfBlock, rbfGram, rbfKernel, rowNorms, solveBinary } from '../../lib/models/svm-solver';
import { foldData, loadFeatureTable, makeSplit, rowArray } from '../../lib/train';
import { realDataRoot } from '../helpers/data';

const PYTHON = '/usr/bin/python3';

function python(script: string, ...args: string[]): unknown {
  const run = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** seed004 statistics of 10 clips per (speaker, emotion) of TESS, split by speaker (train OAF, test YAF). */
async function speakerFold() {
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', { limitPerClass: 10, progress: false });
  const d = foldData(table, makeSplit(table, 'speaker'), 0, { normalisation: 'global' });
  return { k: d.labels.length, xtr: rowArray(d.train.rows), ytr: d.train.labels, xte: rowArray(d.test.rows) };
}

test('RBF SVM: every prediction as SVC, probabilities within 1e-3 of SVC(probability=True, random_state=3)', async () => {
  const d = await speakerFold();
  const plain = fitSvm(d.xtr, d.ytr, d.k, { C: 10 });
  const state = fitSvm(d.xtr, d.ytr, d.k, { C: 10, probability: true, randomState: 3 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-svm-')), 'data.json');
  const rows = (r: Float32Array[]) => r.map((v) => Array.from(v));
  fs.writeFileSync(file, JSON.stringify({ xtr: rows(d.xtr), ytr: d.ytr, xte: rows(d.xte) }));
  const ref = python(
    [
      'import json, sys, numpy as np',
      'from sklearn.svm import SVC',
      'd = json.load(open(sys.argv[1]))',
      "x, y, t = np.array(d['xtr']), np.array(d['ytr']), np.array(d['xte'])",
      'p = SVC(C=10, gamma="scale", probability=True, random_state=3).fit(x, y)',
      "print(json.dumps({'pred': SVC(C=10).fit(x, y).predict(t).tolist(), 'proba': p.predict_proba(t).tolist(),",
      "  'classes': p.classes_.tolist(), 'probA': p.probA_.tolist()}))",
    ].join('\n'),
    file,
  ) as { pred: number[]; proba: number[][]; classes: number[]; probA: number[] };
  assert.deepEqual(Array.from(predictSvmClasses(plain, d.xte)), ref.pred);
  // Probability fitting leaves the machines as they were: the same votes.
  assert.deepEqual(Array.from(predictSvmClasses(state, d.xte)), ref.pred);
  for (let p = 0; p < ref.probA.length; p++)
    assert.ok(Math.abs(state.platt!.A[p] - ref.probA[p]) < 1e-6, `pair ${p}: A ${state.platt!.A[p]} vs ${ref.probA[p]}`);
  const ours = predictSvmProba(state, d.xte);
  let worst = 0;
  ours.forEach((row, i) => {
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    ref.classes.forEach((c, j) => (worst = Math.max(worst, Math.abs(row[c] - ref.proba[i][j]))));
  });
  assert.ok(worst < 1e-3, `largest probability difference ${worst}`);
  // Another seed shuffles other folds: other sigmoids.
  const other = fitSvm(d.xtr, d.ytr, d.k, { C: 10, probability: true, randomState: 4 });
  assert.notDeepEqual(other.platt, state.platt);
});

test('libsvm seed and MT19937 draws are numpy RandomState\'s for the same seed', () => {
  const ref = python(
    [
      'import json, numpy as np',
      'seeds = [0, 1, 42, 2**31 - 5]',
      "print(json.dumps({'seeds': [int(np.random.RandomState(s).randint(np.iinfo('i').max)) for s in seeds],",
      "  'raw': np.random.RandomState(7).randint(0, 2**32, size=2000, dtype=np.uint32).tolist()}))",
    ].join('\n'),
  ) as { seeds: number[]; raw: number[] };
  assert.deepEqual([0, 1, 42, 2 ** 31 - 5].map(libsvmSeed), ref.seeds);
  const mt = new Mt19937(7);
  assert.deepEqual(
    Array.from({ length: 2000 }, () => mt.next()),
    ref.raw,
  );
  // Bounded draws stay in range and cover it.
  const seen = new Set(Array.from({ length: 500 }, () => mt.bounded(7)));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

test('WebAssembly RBF kernel: the same bits as the TypeScript loops, its exp the same as Math.exp', (t) => {
  const rt = svmRuntime();
  if (!rt) return t.skip('kernels.wasm not built');
  const exp = rt.kernels.svm_exp;
  for (let i = 0; i < 200_000; i++) {
    const x = i % 2 ? -Math.random() * 60 : (Math.random() - 0.5) * 1500;
    assert.equal(exp(x), Math.exp(x), `exp(${x})`);
  }
  for (const [n, d] of [
    [1, 3],
    [9, 7],
    [301, 384],
  ]) {
    const x = Float64Array.from({ length: n * d }, (_, i) => Math.fround(Math.sin(i * 0.37) + Math.cos(i * 0.011)));
    const norms = rowNorms(x, n, d);
    const ts = new Float32Array(n * n);
    const wasm = new Float32Array(n * n);
    rbfBlock(x, n, norms, x, n, norms, d, 1 / d, ts, true);
    rbfKernel(x, n, norms, x, n, norms, d, 1 / d, wasm, true);
    assert.deepEqual(wasm, ts, `Gram ${n} × ${d}`);
    // Cross kernels in float64: the same up to the order of the dot products' additions.
    const m = n; // 32 rows and more go to WebAssembly
    const a = new Float64Array(m * n);
    const b = new Float64Array(m * n);
    rbfBlock(x, m, norms, x, n, norms, d, 1 / d, a, false);
    rbfKernel(x, m, norms, x, n, norms, d, 1 / d, b, false);
    b.forEach((v, i) => assert.ok(Math.abs(v - a[i]) < 1e-12, `cross ${i}: ${v} vs ${a[i]}`));
  }
});

test('a lazily filled kernel matrix has the bits of the whole one, blocks filled in any order', (t) => {
  if (!svmKernelModule()) return t.skip('kernels.wasm not built');
  const n = 157;
  const d = 385; // odd: the dot products' scalar tail too
  const x = Float64Array.from({ length: n * d }, (_, i) => Math.fround(Math.sin(i * 0.37) + Math.cos(i * 0.011)));
  const classStart = Int32Array.of(0, 40, 41, 100, 157);
  const whole = rbfGram(x, n, d, 1 / d, classStart, false);
  const lazy = rbfGram(x, n, d, 1 / d, classStart, true);
  assert.ok(lazy.wasm?.ready && whole.wasm && !whole.wasm.ready);
  const matrix = new KernelMatrix(lazy);
  // Rows in a scrambled order against every pair of classes: later blocks copy their mirrors.
  for (let a = 0; a < 4; a++)
    for (let b = a + 1; b < 4; b++) {
      const gram = matrix.pair(a, b);
      for (let q = 0; q < n; q++) {
        const row = (q * 61) % n;
        if (row >= classStart[a] && row < classStart[a + 1]) gram.ensure(row);
        if (row >= classStart[b] && row < classStart[b + 1]) gram.ensure(row);
      }
    }
  assert.deepEqual(lazy.k, whole.k);
});

test('the WebAssembly SMO solver gives the TypeScript solver\'s α and rho bit for bit, on the lazy and the whole matrix', async (t) => {
  if (!svmKernelModule()) return t.skip('kernels.wasm not built');
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', { limitPerClass: 40, progress: false });
  const d = foldData(table, makeSplit(table, 'speaker'), 0, { normalisation: 'global' });
  const train = rowArray(d.train.rows);
  const n = d.train.labels.length;
  const dims = train[0].length;
  const order = Array.from({ length: n }, (_, i) => i).sort((u, v) => d.train.labels[u] - d.train.labels[v] || u - v);
  const x = new Float64Array(n * dims);
  order.forEach((r, i) => x.set(train[r], i * dims));
  const classStart = new Int32Array(d.labels.length + 1);
  order.forEach((r) => classStart[d.train.labels[r] + 1]++);
  for (let c = 0; c < d.labels.length; c++) classStart[c + 1] += classStart[c];
  const [a, b] = [1, 4];
  const rows = Int32Array.from({ length: classStart[b + 1] - classStart[b] + classStart[a + 1] - classStart[a] }, (_, i) =>
    i < classStart[a + 1] - classStart[a] ? classStart[a] + i : classStart[b] + i - (classStart[a + 1] - classStart[a]),
  );
  const y = Int8Array.from(rows, (r) => (r < classStart[a + 1] ? 1 : -1));
  // Easy and hard problems (more iterations than variables: shrinking and gradient reconstruction run).
  for (const [C, gamma] of [
    [10, 1 / dims],
    [1000, 8 / dims],
  ])
    for (const lazy of [true, false]) {
      const gram = new KernelMatrix(rbfGram(x, n, dims, gamma, classStart, lazy)).pair(a, b);
      assert.ok(gram.solve);
      const wasm = gram.solve(rows, y, C, 1e-3, 1_000_000);
      const ts = solveBinary({ ...gram, solve: undefined }, rows, y, C, 1e-3, 1_000_000);
      assert.deepEqual(wasm, ts);
      assert.ok(wasm.alpha.some((v) => v > 0 && v < C), 'free α');
      if (C === 1000) assert.notDeepEqual(gram.solve(rows, y, C, 1e-3, rows.length), wasm, 'more iterations than rows');
    }
});

test('RBF SVM on a whole TESS speaker fold (1400 rows, its kernel matrix filled lazily): SVC\'s predictions and support vectors', async () => {
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', { progress: false });
  const d = foldData(table, makeSplit(table, 'speaker'), 0, { normalisation: 'global' });
  const xtr = rowArray(d.train.rows);
  const xte = rowArray(d.test.rows);
  const state = fitSvm(xtr, d.train.labels, d.labels.length, { C: 10 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-svm-')), 'data.json');
  const rows = (r: Float32Array[]) => r.map((v) => Array.from(v));
  fs.writeFileSync(file, JSON.stringify({ xtr: rows(xtr), ytr: d.train.labels, xte: rows(xte) }));
  const ref = python(
    [
      'import json, sys, numpy as np',
      'from sklearn.svm import SVC',
      'd = json.load(open(sys.argv[1]))',
      "m = SVC(C=10, gamma='scale').fit(np.array(d['xtr']), np.array(d['ytr']))",
      "print(json.dumps({'pred': m.predict(np.array(d['xte'])).tolist(), 'nsv': int(m.n_support_.sum())}))",
    ].join('\n'),
    file,
  ) as { pred: number[]; nsv: number };
  assert.equal(xtr.length, 1400);
  assert.deepEqual(Array.from(predictSvmClasses(state, xte)), ref.pred);
  assert.equal(state.supportVectors.length, ref.nsv);
});

test('an SVM state saved before probabilities still predicts, and asking it for probabilities is one clear error', async () => {
  const d = await speakerFold();
  const fitted = fitSvm(d.xtr, d.ytr, d.k, { C: 10 });
  // A state as older versions wrote it: plain JSON, no probability fields.
  const old = JSON.parse(JSON.stringify(fitted)) as SvmState & { config: Record<string, unknown> };
  delete old.config.probability;
  delete old.config.randomState;
  assert.equal(old.platt, undefined);
  const votes = d.xte.map((r) => predictSvm(old, r));
  assert.deepEqual(
    votes.map((v) => v.indexOf(Math.max(...v))),
    Array.from(predictSvmClasses(fitted, d.xte)),
  );
  assert.throws(() => predictSvmProba(old, d.xte), /fitted without probability: true/);
});
