/**
 * The fit loop on real TESS features: same seed → same history and metrics (dropout included), callbacks
 * (EarlyStopping restoring the best weights, ReduceLROnPlateau), class weights, tensors flat across epochs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { readModelMeta } from '../../lib/models/model-dir';
import {
  balancedClassWeights,
  EarlyStopping,
  fitModel,
  foldData,
  historyCsv,
  loadFeatureTable,
  loadPipeline,
  makeSplit,
  predictRows,
  ReduceLrOnPlateau,
  trainFold,
  withSeededRandom,
  type FeatureTable,
  type TrainedModelPayload,
} from '../../lib/train';
import { argmax } from '../../lib/metrics/summary';
import { buildMlp, DEFAULT_MLP } from '../../lib/models/mlp';
import { realDataRoot } from '../helpers/data';

let statsTable: Promise<FeatureTable> | undefined;
/** seed004 statistics of 8 clips per (speaker, emotion) of TESS: 112 clips. */
function tessStats(): Promise<FeatureTable> {
  statsTable ??= loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', {
    limitPerClass: 8,
    progress: false,
  });
  return statsTable;
}

test('same seed → identical history and test metrics; another seed differs (MLP with dropout)', async () => {
  const table = await tessStats();
  const split = makeSplit(table, 'speaker');
  const run = (seed: number) =>
    trainFold(table, split, 0, {
      model: 'seed004-mlp',
      seed,
      training: { epochs: 6, earlyStoppingPatience: 0 },
    });
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  assert.deepEqual(
    a.history.map((h) => [h.loss, h.valLoss, h.accuracy]),
    b.history.map((h) => [h.loss, h.valLoss, h.accuracy]),
  );
  assert.deepEqual(a.yPred, b.yPred);
  assert.equal(a.metrics.accuracy, b.metrics.accuracy);
  assert.notDeepEqual(
    a.history.map((h) => h.loss),
    c.history.map((h) => h.loss),
  );
});

test('same seed → same metrics for a conv net with BatchNorm and dropout on the engine (seed002, 2 epochs)', async () => {
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed002', {
    limitPerClass: 4,
    progress: false,
  });
  const split = makeSplit(table, 'speaker');
  const run = () =>
    trainFold(table, split, 1, {
      model: 'seed002',
      seed: 3,
      config: { convFilters: [16, 16] },
      training: { epochs: 2, frames: 64, earlyStoppingPatience: 0 },
    });
  const [a, b] = [await run(), await run()];
  assert.deepEqual(
    a.history.map((h) => h.loss),
    b.history.map((h) => h.loss),
  );
  assert.deepEqual(a.yPred, b.yPred);
});

test('EarlyStopping stops and restores the best epoch; ReduceLROnPlateau halves the rate after a plateau; tensors stay flat', async () => {
  await initBackend();
  const table = await tessStats();
  const split = makeSplit(table, 'speaker');
  const data = foldData(table, split, 0);
  // Validate on the other speaker so the validation loss rises: a plateau is certain.
  const train = { rows: data.train.rows, labels: data.train.labels, shape: data.shape };
  const validation = { rows: data.test.rows, labels: data.test.labels, shape: data.shape };
  const model = await withSeededRandom(1, () =>
    buildMlp({ ...DEFAULT_MLP, learningRate: 3e-3 }, data.shape[0], data.labels.length, 1),
  );
  const tensors: number[] = [];
  const stopper = new EarlyStopping({ patience: 3, monitor: 'valLoss' });
  const result = await fitModel(model, train, {
    epochs: 60,
    seed: 1,
    validation,
    callbacks: [new ReduceLrOnPlateau({ patience: 1, factor: 0.5 }), stopper],
    onEpoch: () => tensors.push(tf.memory().numTensors),
  });
  const losses = result.history.map((h) => h.valLoss);
  const best = losses.indexOf(Math.min(...losses)) + 1;
  assert.ok(result.stoppedEarly, 'stopped before 60 epochs');
  assert.equal(result.history.length, best + 3);
  assert.equal(result.finalEpoch, best);
  // The restored weights give the best epoch's validation loss again.
  const probs = predictRows(model, validation);
  const ce =
    probs.reduce((s, p, i) => s - Math.log(Math.min(Math.max(p[validation.labels[i]], 1e-7), 1 - 1e-7)), 0) /
    probs.length;
  assert.ok(Math.abs(ce - losses[best - 1]) < 1e-4, `restored loss ${ce} vs best ${losses[best - 1]}`);
  // The learning rate halves exactly after an epoch that did not improve on the best so far.
  let bestSoFar = Infinity;
  for (let e = 0; e < result.history.length - 1; e++) {
    const improved = losses[e] < bestSoFar;
    bestSoFar = Math.min(bestSoFar, losses[e]);
    const ratio = result.history[e + 1].lr / result.history[e].lr;
    assert.ok(improved ? ratio === 1 : Math.abs(ratio - 0.5) < 1e-12, `epoch ${e + 1}: lr ratio ${ratio}`);
  }
  // One batch at a time: the tensor count is the same after every epoch (best weights are swapped, not added).
  assert.equal(new Set(tensors).size, 1, `tensors after each epoch: ${tensors.join(' ')}`);
  model.dispose();
  assert.match(
    historyCsv(result.history).split('\n')[0],
    /^epoch,loss,accuracy,valLoss,valAccuracy,valUar,lr,seconds$/,
  );
});

test("balanced class weights are scikit-learn's n / (k × count)", () => {
  assert.deepEqual(balancedClassWeights([0, 0, 0, 1], 2), [4 / 6, 2]);
});

test('trainFold writes a version-2 model directory with history and a training-manifest hash', async () => {
  const table = await tessStats();
  const split = makeSplit(table, 'random', { seed: 1 });
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-fit-')), 'model');
  const r = await trainFold(table, split, 0, {
    model: 'seed004-mlp',
    out,
    splitName: 'random',
    training: { epochs: 3 },
  });
  const meta = readModelMeta<TrainedModelPayload>(out);
  assert.equal(meta.version, 2);
  assert.equal(meta.kind, 'tfjs');
  assert.equal(meta.payload.split.protocol, 'random');
  assert.equal(meta.payload.normaliser.kind, 'global');
  assert.match(meta.payload.trainManifestHash, /^[0-9a-f]{64}$/);
  assert.equal(meta.payload.metrics.test.accuracy, r.metrics.accuracy);
  assert.equal(fs.readFileSync(path.join(out, 'history.csv'), 'utf8').trim().split('\n').length, 4);
  // The loaded directory predicts the test clips from raw features exactly as training evaluated them.
  const data = foldData(table, split, 0);
  const byId = new Map(table.rows.map((row, i) => [row.id, table.vectors.get(i)]));
  const loaded = await loadPipeline(out);
  const pred = loaded.predictProba(data.test.records.map((row) => byId.get(row.id)!)).map((p) => argmax(p));
  loaded.dispose();
  assert.deepEqual(pred, r.yPred);
});

test('timers run during a fit (tuning heartbeats): the loop yields to the event loop between batches', async () => {
  await initBackend();
  const table = await tessStats();
  const data = foldData(table, makeSplit(table, 'speaker'), 0);
  const model = buildMlp(DEFAULT_MLP, data.shape[0], data.labels.length, 1);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    await fitModel(model, { ...data.train, shape: data.shape }, { epochs: 2, batchSize: 8 });
  } finally {
    clearInterval(timer);
    model.dispose();
  }
  // 2 epochs of 7 batches: a timer due every millisecond gets to run between them.
  assert.ok(ticks >= 2, `${ticks} timer ticks during the fit`);
});
