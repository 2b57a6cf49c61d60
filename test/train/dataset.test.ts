/**
 * Feature tables read from the feature cache per batch (the default) against tables held in memory, on real
 * TESS sequences: bit-identical normalisers and fold rows (global and per-speaker), the same training history
 * and predictions for the same seed, and a fit that reads every row once per epoch instead of keeping them.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ManifestRow } from '../../lib/data/manifest';
import { initBackend } from '../../lib/backend';
import { speakerKey } from '../../lib/data/split';
import { FeatureCache } from '../../lib/features/cache';
import { setDims } from '../../lib/features/sets';
import { fitSequenceStandardizer, standardizeSequence } from '../../lib/features/standardize';
import {
  fixFrames,
  foldData,
  loadFeatureTable,
  makeSplit,
  rowArray,
  trainFold,
  type FeatureStorage,
  type FeatureTable,
} from '../../lib/train';
import { realDataRoot } from '../helpers/data';

const tables = new Map<FeatureStorage, Promise<FeatureTable>>();
/** seed002 sequences (ZCR, RMS, MFCC 40) of 4 clips per (speaker, emotion) of TESS: 56 clips. */
function tessSequences(storage: FeatureStorage): Promise<FeatureTable> {
  if (!tables.has(storage))
    tables.set(
      storage,
      loadFeatureTable(['tess'], realDataRoot('tess'), 'seed002', {
        limitPerClass: 4,
        progress: false,
        storage,
      }),
    );
  return tables.get(storage)!;
}

test('a cache-backed table holds no vectors and reads the same vectors as a table in memory', async () => {
  const [cached, memory] = [await tessSequences('cache'), await tessSequences('memory')];
  assert.equal(cached.vectors.storage, 'cache');
  assert.equal(memory.vectors.storage, 'memory');
  assert.deepEqual(
    cached.rows.map((r) => r.id),
    memory.rows.map((r) => r.id),
  );
  const before = cached.vectors.reads;
  for (let i = 0; i < cached.rows.length; i++) assert.deepEqual(cached.vectors.get(i), memory.vectors.get(i));
  assert.equal(cached.vectors.reads - before, cached.rows.length);
  // Within the default budget an entry is read from disk once, then served from memory.
  const disk = cached.vectors.diskReads;
  assert.equal(cached.vectors.get(0), cached.vectors.get(0));
  assert.equal(cached.vectors.diskReads, disk);
});

test('a cache-backed table keeps no more vectors than its budget and reads the rest from disk on every get', async () => {
  const full = await tessSequences('cache');
  const rowBytes = full.vectors.get(0).byteLength;
  const budgetRows = 5;
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed002', {
    limitPerClass: 4,
    progress: false,
    storage: 'cache',
    // Room for a few rows only (vectors differ in length: the budget is in bytes).
    keepBytes: budgetRows * rowBytes,
  });
  const n = table.rows.length;
  for (let i = 0; i < n; i++) table.vectors.get(i);
  const firstPass = table.vectors.diskReads;
  assert.equal(firstPass, n);
  for (let i = 0; i < n; i++) assert.deepEqual(table.vectors.get(i), full.vectors.get(i));
  // The rows kept are those that fitted when first read, in order: never more bytes than the budget.
  let room = budgetRows * rowBytes;
  let fitting = 0;
  for (let i = 0; i < n; i++) {
    const bytes = full.vectors.get(i).byteLength;
    if (bytes <= room) {
      room -= bytes;
      fitting++;
    }
  }
  assert.ok(fitting > 0 && fitting < n, `${fitting} of ${n} rows fit`);
  assert.equal(table.vectors.diskReads - firstPass, n - fitting);
  // With no budget nothing is kept: every read is a fresh array from disk.
  const none = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed002', {
    limitPerClass: 4,
    progress: false,
    keepBytes: 0,
  });
  assert.notEqual(none.vectors.get(0), none.vectors.get(0));
  assert.equal(none.vectors.diskReads, 2);
});

test('a cold cache is filled on load (damaged entries re-extracted) and reads what extraction gives', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-stream-cache-'));
  try {
    const load = () =>
      loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', {
        limitPerClass: 1,
        progress: false,
        cacheDir,
      });
    const cold = await load();
    assert.equal(cold.vectors.storage, 'cache');
    assert.equal(cold.rows.length, 14);
    const cache = new FeatureCache(cold.features, cacheDir);
    assert.ok(cold.rows.every((r) => cache.has(r.fileHash)));
    const entry = path.join(cache.dir, cold.rows[0].fileHash.slice(0, 2), `${cold.rows[0].fileHash}.f32`);
    fs.truncateSync(entry, 20);
    assert.equal(cache.has(cold.rows[0].fileHash), false);
    const repaired = await load();
    assert.ok(cache.has(cold.rows[0].fileHash));
    // The reference: the same clips extracted through the project's own cache, held in memory.
    const memory = await loadFeatureTable(['tess'], realDataRoot('tess'), 'seed004', {
      limitPerClass: 1,
      progress: false,
      storage: 'memory',
    });
    for (let i = 0; i < memory.rows.length; i++)
      assert.deepEqual(repaired.vectors.get(i), memory.vectors.get(i));
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('streamed fold rows are bit for bit the in-memory z-score and frame fix (global and per-speaker)', async () => {
  const [cached, memory] = [await tessSequences('cache'), await tessSequences('memory')];
  const split = makeSplit(cached, 'speaker');
  const dims = setDims(cached.features);
  const frames = 64;
  for (const normalisation of ['global', 'per-speaker'] as const) {
    const a = foldData(cached, split, 0, { normalisation, frames });
    const b = foldData(memory, split, 0, { normalisation, frames });
    assert.deepEqual(a.normaliser, b.normaliser);
    assert.deepEqual(rowArray(a.train.rows), rowArray(b.train.rows));
    assert.deepEqual(rowArray(a.test.rows), rowArray(b.test.rows));
    // The reference: lib/features' in-memory fitter over every raw vector, as folds were built before streaming.
    const raw = new Map(memory.rows.map((r, i) => [r.id, memory.vectors.get(i)]));
    const statsOf = (ids: string[]) =>
      fitSequenceStandardizer(
        ids.map((id) => raw.get(id)!),
        dims,
      );
    const trainIds = a.train.records.map((r) => r.id);
    const expected = (r: ManifestRow) => {
      const state =
        normalisation === 'global'
          ? statsOf(trainIds)
          : statsOf(memory.rows.filter((x) => speakerKey(x) === speakerKey(r)).map((x) => x.id));
      return fixFrames(standardizeSequence(state, raw.get(r.id)!), dims, frames);
    };
    a.test.records.forEach((r, i) =>
      assert.deepEqual(a.test.rows.get(i), expected(r), `${normalisation} ${r.id}`),
    );
    a.train.records.forEach((r, i) =>
      assert.deepEqual(a.train.rows.get(i), expected(r), `${normalisation} ${r.id}`),
    );
  }
});

test('same seed → the same history and predictions whether rows stream from the cache or sit in memory', async () => {
  const [cached, memory] = [await tessSequences('cache'), await tessSequences('memory')];
  const split = makeSplit(cached, 'speaker');
  const epochs = 2;
  const run = (table: FeatureTable) =>
    trainFold(table, split, 1, {
      model: 'seed002',
      seed: 3,
      config: { convFilters: [16, 16] },
      training: { epochs, frames: 64, earlyStoppingPatience: 0 },
    });
  await initBackend();
  const readsBefore = cached.vectors.reads;
  const tensorsBefore = tf.memory().numTensors;
  const a = await run(cached);
  const reads = cached.vectors.reads - readsBefore;
  const b = await run(memory);
  assert.deepEqual(
    a.history.map((h) => [h.loss, h.accuracy, h.valLoss, h.valUar]),
    b.history.map((h) => [h.loss, h.accuracy, h.valLoss, h.valUar]),
  );
  assert.deepEqual(a.yPred, b.yPred);
  assert.deepEqual(a.probabilities, b.probabilities);
  // Rows are read when a batch needs them, never kept: the normaliser's two passes over the training side,
  // every training row (fit and validation parts) once per epoch, and the test side once at the end.
  const nTrain = split.folds[1].train.length;
  assert.equal(reads, 2 * nTrain + epochs * nTrain + a.yTrue.length);
  // And every tensor of both runs is released (weights, optimizer moments, batches).
  assert.equal(tf.memory().numTensors, tensorsBefore);
});
