/**
 * Speaker augmentation of a fold's training side (lib/train/speaker-augmentation) on a real TESS subset:
 * copies only of training clips, one pseudo-speaker per (speaker, recipe) normalised on its own, recorded in
 * the model directory of `best`, which trains with it by default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SPEAKER_AUGMENTATION } from '../../lib/augment/speaker';
import { PROSODY_NAMES } from '../../lib/features/prosody';
import { featureSet, setDims } from '../../lib/features/sets';
import { readModelMeta } from '../../lib/models/model-dir';
import {
  foldData,
  loadFeatureTable,
  makeSplit,
  rowArray,
  speakerAugmentedRows,
  trainFold,
  type TrainedModelPayload,
} from '../../lib/train';
import { realDataRoot } from '../helpers/data';

async function tessSubset() {
  const table = await loadFeatureTable(['tess'], realDataRoot('tess'), featureSet('stats-prosody'), {
    limitPerClass: 3,
    progress: false,
  });
  return { table, split: makeSplit(table, 'speaker') };
}

test('speaker augmentation: two voices per training speaker, slower and faster, normalised on their own', async () => {
  const { table, split } = await tessSubset();
  const fold = split.folds[0];
  const train = table.rows.filter((r) => fold.train.includes(r.id));
  const testSpeakers = new Set(table.rows.filter((r) => fold.test.includes(r.id)).map((r) => r.speaker));
  const aug = speakerAugmentedRows(table, split, 0, DEFAULT_SPEAKER_AUGMENTATION);
  assert.equal(aug.records.length, 2 * train.length);
  const speakers = new Set(aug.records.map((r) => r.speaker));
  assert.deepEqual(
    [...speakers].sort(),
    [...new Set(train.map((r) => r.speaker))].flatMap((s) => [`${s}#aug0`, `${s}#aug1`]).sort(),
  );
  for (const r of aug.records)
    assert.ok(!testSpeakers.has(r.speaker.split('#')[0]), `${r.id} copies a test speaker`);
  // Speed 0.9 lengthens every clip and lowers its median F0 by log2(0.9) octaves; speed 1.1 the opposite
  // (judged on the median over clips: YIN's octave errors move a few clips' medians).
  const frames = PROSODY_NAMES.indexOf('frames') + setDims(featureSet('stats-plus'));
  const f0 = PROSODY_NAMES.indexOf('f0_p50') + setDims(featureSet('stats-plus'));
  const original = new Map(train.map((r) => [r.id, table.vectors.get(table.rows.indexOf(r))]));
  for (const [k, factor] of [0.9, 1.1].entries()) {
    const shifts: number[] = [];
    aug.records.forEach((r, i) => {
      if (!r.speaker.endsWith(`#aug${k}`)) return;
      const source = original.get(r.id.split('#')[0])!;
      assert.equal(aug.vectors[i][frames] > source[frames], factor < 1, r.id);
      shifts.push(aug.vectors[i][f0] - source[f0]);
    });
    const median = shifts.sort((a, b) => a - b)[shifts.length >> 1];
    assert.ok(Math.abs(median - Math.log2(factor)) < 0.03, `speed ${factor}: median F0 moved ${median}`);
  }
  // Per-speaker normalisation: every pseudo-speaker's rows are z-scored by its own statistics.
  const data = foldData(table, split, 0, { normalisation: 'per-speaker', augmented: aug });
  assert.equal(data.train.rows.length, 3 * train.length);
  for (const speaker of speakers) {
    const rows = rowArray(data.train.rows).filter((_, i) => data.train.records[i].speaker === speaker);
    const mean = rows.reduce((s, r) => s + r[frames], 0) / rows.length;
    assert.ok(Math.abs(mean) < 1e-5, `${speaker}: mean ${mean}`);
  }
  assert.equal(data.test.rows.length, fold.test.length);
});

test('best trains with the default speaker augmentation and records it in ser.json; none turns it off', async () => {
  const { table, split } = await tessSubset();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-best-aug-'));
  try {
    const out = path.join(dir, 'best');
    const withAug = await trainFold(table, split, 0, { model: 'best', normalisation: 'per-speaker', out });
    const payload = readModelMeta<TrainedModelPayload>(out).payload;
    assert.deepEqual(payload.model.augment, DEFAULT_SPEAKER_AUGMENTATION);
    assert.equal(payload.features.name, 'stats-prosody');
    const without = await trainFold(table, split, 0, {
      model: 'best',
      normalisation: 'per-speaker',
      augment: null,
    });
    assert.equal(withAug.yTrue.length, without.yTrue.length);
    assert.ok(withAug.metrics.accuracy > 1 / 7 && without.metrics.accuracy > 1 / 7);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
