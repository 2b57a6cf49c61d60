/**
 * The TypeScript random forest and RBF SVM on real TESS statistics: the SVM agrees with scikit-learn's SVC
 * (same C and gamma) clip by clip, the forest is seeded and accurate, and classic model directories round-trip
 * and refuse tampering.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fitRandomForest, predictForest, predictForestClasses } from '../../lib/models/forest';
import { loadClassicModelDir, readModelMeta } from '../../lib/models/model-dir';
import { fitSvm, predictSvm, type SvmState } from '../../lib/models/svm';
import { argmax } from '../../lib/metrics/summary';
import { foldData, loadFeatureTable, loadPipeline, makeSplit, rowArray, trainFold } from '../../lib/train';
import { realDataRoot } from '../helpers/data';

interface ClassicFold {
  labels: string[];
  train: { rows: Float32Array[]; labels: number[] };
  test: { rows: Float32Array[]; labels: number[] };
}
let fold: Promise<ClassicFold> | undefined;
/** seed004 statistics of 10 clips per (speaker, emotion) of TESS, random 80/20 split, z-scored on train, in memory. */
function tessFold(): Promise<ClassicFold> {
  fold ??= loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', { limitPerClass: 10, progress: false }).then(
    (table) => {
      const d = foldData(table, makeSplit(table, 'random', { seed: 3 }), 0);
      const side = (s: typeof d.train) => ({ rows: rowArray(s.rows), labels: s.labels });
      return { labels: d.labels, train: side(d.train), test: side(d.test) };
    },
  );
  return fold;
}

const accuracy = (pred: number[], truth: number[]) => pred.filter((p, i) => p === truth[i]).length / truth.length;

test('RBF SVM: predictions and support vectors are scikit-learn SVC(C=10, gamma="scale")\'s on real features', async () => {
  const d = await tessFold();
  const state = fitSvm(d.train.rows, d.train.labels, d.labels.length, { C: 10 });
  const ours = d.test.rows.map((r) => argmax(predictSvm(state, r)));
  assert.ok(accuracy(ours, d.test.labels) > 0.8, `accuracy ${accuracy(ours, d.test.labels)}`);
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return; // the golden comparison needs Debian's scikit-learn
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-svm-')), 'data.json');
  const rows = (r: Float32Array[]) => r.map((v) => Array.from(v));
  fs.writeFileSync(file, JSON.stringify({ xtr: rows(d.train.rows), ytr: d.train.labels, xte: rows(d.test.rows) }));
  const script = [
    'import json, sys, numpy as np',
    'from sklearn.svm import SVC',
    'd = json.load(open(sys.argv[1]))',
    "m = SVC(C=10, gamma='scale', kernel='rbf').fit(np.array(d['xtr'], dtype=np.float64), d['ytr'])",
    "print(json.dumps({'pred': m.predict(np.array(d['xte'], dtype=np.float64)).tolist(), 'nsv': int(m.n_support_.sum())}))",
  ].join('\n');
  const run = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const ref = JSON.parse(run.stdout) as { pred: number[]; nsv: number };
  // libsvm's algorithm, iterations and tie-breaks included: the same predictions and support vectors.
  assert.deepEqual(ours, ref.pred);
  assert.equal(state.supportVectors.length, ref.nsv);
});

test('random forest: accurate on a random split, reproducible by seed, varied across seeds', async () => {
  const d = await tessFold();
  const fit = (seed: number) => fitRandomForest(d.train.rows, d.train.labels, d.labels.length, { nTrees: 30 }, seed);
  const [a, b, c] = [fit(1), fit(1), fit(2)];
  const pred = a.trees.length && d.test.rows.map((r) => argmax(predictForest(a, r)));
  assert.ok(Array.isArray(pred));
  assert.ok(accuracy(pred, d.test.labels) > 0.85, `accuracy ${accuracy(pred, d.test.labels)}`);
  assert.deepEqual(a, b);
  // Batch prediction (split over the worker threads from 256 rows) is the per-row prediction's argmax.
  const many = [...d.test.rows, ...d.train.rows, ...d.test.rows, ...d.train.rows];
  assert.ok(many.length >= 256);
  assert.deepEqual(
    Array.from(predictForestClasses(a, many)),
    many.map((r) => argmax(predictForest(a, r))),
  );
  assert.notDeepEqual(a.trees[0], c.trees[0]);
  // Leaves are pure on their bootstrap sample at full depth: every training row of tree 0's sample lands in a one-class leaf.
  for (const leaf of a.trees[0].value.filter((v) => v.length > 0)) assert.equal(Math.max(...leaf), 1);
});

test('classic model directory: round trip, tampered or partial directories refused', async () => {
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', { limitPerClass: 10, progress: false });
  const split = makeSplit(table, 'speaker');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-classic-')), 'svm');
  const r = await trainFold(table, split, 0, { model: 'seed004-svm', out, normalisation: 'per-speaker' });
  // Per-speaker normalisation at prediction time: the test speaker's clips z-scored together, as in training.
  const testRows = split.folds[0].test.map((id) => table.rows.findIndex((row) => row.id === id));
  const loaded = await loadPipeline(out);
  const pred = loaded
    .predictProba(
      testRows.map((i) => table.vectors.get(i)),
      testRows.map((i) => table.rows[i].speaker),
    )
    .map((p) => argmax(p));
  assert.deepEqual(pred, r.yPred);
  assert.throws(() => loaded.predict([table.vectors.get(testRows[0])]), /per-speaker normalisation/);
  const { state, meta } = loadClassicModelDir<SvmState, { metrics: { test: { accuracy: number } } }>(out);
  assert.equal(meta.version, 2);
  assert.equal(meta.kind, 'classic');
  assert.equal(meta.payload.metrics.test.accuracy, r.metrics.accuracy);
  assert.equal(state.kind, 'svm');
  const file = path.join(out, 'classic.json');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(/"C":10/, '"C":11'));
  assert.throws(() => readModelMeta(out), /classic\.json does not match its checksum/);
  fs.rmSync(file);
  assert.throws(() => readModelMeta(out), /missing classic\.json/);
});
