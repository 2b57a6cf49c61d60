/**
 * Leak-freedom on the real TESS + RAVDESS manifest: for every split type and every fold, no augmented copy
 * of a test clip (by id or by audio) is ever planned, kept or streamed for training; offline rendering
 * writes copies with their provenance and features; the notebook preview renders both clips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildManifest, type Manifest } from '../../lib/data/manifest';
import {
  crossCorpusSplit,
  groupedKFoldSplit,
  leaveOneSpeakerOutSplit,
  stratifiedRandomSplit,
  trainValidationTestSplit,
  type Split,
} from '../../lib/data/split';
import { applyRecipe, type Recipe } from '../../lib/augment/compose';
import { renderCopies } from '../../lib/augment/offline';
import { augmentPreviewHtml } from '../../lib/notebook/augment-preview';
import {
  assertNoLeak,
  augmentStream,
  copiesForFold,
  planTrainingCopies,
  provenanceBySide,
} from '../../lib/augment/training';
import { FeatureCache } from '../../lib/features/cache';
import { featureSet } from '../../lib/features/sets';
import { Rng } from '../../lib/util/rng';
import { realDataRoot } from '../helpers/data';

let manifest: Promise<Manifest> | undefined;
const real = () =>
  (manifest ??= buildManifest({ corpora: ['tess', 'ravdess'], root: realDataRoot('tess'), progress: false }));

const recipe: Recipe = {
  version: 1,
  transforms: [{ name: 'gain', p: 1, minGainDb: -6, maxGainDb: 0 }],
  copies: 2,
};

test('no augmented copy of a test clip reaches training, for every split type and fold', async () => {
  const m = await real();
  const source = { hash: m.hash, rows: m.rows };
  const splits: Split[] = [
    stratifiedRandomSplit(source, { seed: 1 }),
    groupedKFoldSplit(source, { k: 5, seed: 1 }),
    leaveOneSpeakerOutSplit(source),
    crossCorpusSplit(source, { train: ['tess'], test: 'ravdess' }),
    crossCorpusSplit(source, { train: ['ravdess'], test: 'tess' }),
  ];
  const hashOf = new Map(m.rows.map((r) => [r.id, r.contentHash]));
  let checkedFolds = 0;
  for (const split of splits) {
    // A pool expanded from every fold's train side: for k-fold and LOSO it holds copies of each fold's test clips.
    const pool = split.folds.flatMap((_, i) => planTrainingCopies(source, split, i, { copies: 1, seed: 3 }));
    split.folds.forEach((fold, i) => {
      const plan = planTrainingCopies(source, split, i, { copies: 2, seed: 3 });
      assert.equal(plan.length, 2 * fold.train.length);
      const testIds = new Set(fold.test);
      const testHashes = new Set(fold.test.map((id) => hashOf.get(id)));
      for (const copy of plan) {
        assert.ok(
          !testIds.has(copy.sourceId),
          `${split.protocol} ${fold.name}: copy of test clip ${copy.sourceId}`,
        );
        assert.ok(
          !testHashes.has(hashOf.get(copy.sourceId)),
          `${split.protocol} ${fold.name}: test audio in ${copy.id}`,
        );
        assert.equal(copy.sourceContentHash, hashOf.get(copy.sourceId));
      }
      assertNoLeak(plan, source, fold);
      const kept = copiesForFold(pool, source, fold);
      for (const copy of kept)
        assert.ok(!testIds.has(copy.sourceId) && !testHashes.has(copy.sourceContentHash));
      if (split.folds.length > 1) {
        assert.ok(
          kept.length < pool.length,
          "the pool held copies of this fold's test clips, and they were dropped",
        );
        const leaking = pool.filter((c) => testIds.has(c.sourceId));
        assert.ok(leaking.length > 0);
        assert.throws(() => assertNoLeak(leaking, source, fold), /augment leak/);
      }
      checkedFolds++;
    });
  }
  assert.equal(
    checkedFolds,
    splits.reduce((n, s) => n + s.folds.length, 0),
  );
  assert.ok(checkedFolds >= 1 + 5 + 2 + 10, `${checkedFolds} folds`);
  // Same seed, same plan; seeds differ per copy.
  const split = splits[1];
  assert.deepEqual(
    planTrainingCopies(source, split, 0, { seed: 3 }),
    planTrainingCopies(source, split, 0, { seed: 3 }),
  );
  const seeds = new Set(planTrainingCopies(source, split, 0, { copies: 2 }).map((c) => c.seed));
  assert.equal(seeds.size, 2 * split.folds[0].train.length);
});

test('a fold that puts the same audio on both sides is refused; the stream refuses held-out clips', async () => {
  const m = await real();
  const source = { hash: m.hash, rows: m.rows };
  const split = groupedKFoldSplit(source, { k: 5, seed: 1 });
  const fold = split.folds[0];
  const leaky: Split = { ...split, folds: [{ ...fold, train: [...fold.train, fold.test[0]] }] };
  assert.throws(() => planTrainingCopies(source, leaky, 0), /same audio is in train/);
  const testRow = m.rows.find((r) => r.id === fold.test[0]);
  assert.ok(testRow);
  const example = {
    id: testRow.id,
    contentHash: testRow.contentHash,
    audio: new Float32Array(100).fill(0.1),
    sampleRate: 16000,
  };
  assert.throws(() => [...augmentStream([example], recipe, fold)], /augment leak/);
  const trainRow = m.rows.find((r) => r.id === fold.train[0]);
  assert.ok(trainRow);
  const ok = [...augmentStream([{ ...example, id: trainRow.id }], recipe, fold, { seed: 1, epoch: 2 })];
  assert.equal(ok.length, 1);
  assert.equal(ok[0].sourceId, trainRow.id);
  assert.equal(ok[0].augment.steps[0].name, 'gain');
});

test('offline rendering writes copies, provenance and cached features; the preview shows both clips', async () => {
  const m = await real();
  const source = { hash: m.hash, rows: m.rows };
  const split = crossCorpusSplit(source, { train: ['tess'], test: 'ravdess' });
  const plan = planTrainingCopies(source, split, 0, { copies: 2, seed: 5 }).slice(0, 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-augment-'));
  try {
    const config = featureSet('seed000');
    const set = renderCopies(plan, m.rows, recipe, path.join(dir, 'out'), {
      featureConfig: config,
      cacheRoot: path.join(dir, 'cache'),
      progress: false,
    });
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'augmented.json'), 'utf8'));
    assert.deepEqual(saved, JSON.parse(JSON.stringify(set)));
    assert.equal(set.copies.length, 4);
    const cache = new FeatureCache(config, path.join(dir, 'cache'));
    for (const copy of set.copies) {
      assert.ok(fs.existsSync(path.join(dir, 'out', copy.file)));
      assert.ok(split.folds[0].train.includes(copy.sourceId));
      assert.equal(copy.steps[0].name, 'gain');
      assert.ok(cache.get(copy.contentHash)?.every(Number.isFinite), 'features of the copy are in the cache');
    }
    assert.notEqual(set.copies[0].contentHash, set.copies[1].contentHash, 'two copies of a clip differ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const y = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin(i / 5));
  const r = applyRecipe({ version: 1, transforms: [{ name: 'pitchShift', p: 1 }] }, y, 16000, new Rng(1));
  const html = augmentPreviewHtml(y, r.audio, 16000, { steps: r.steps });
  assert.equal(html.match(/<audio controls/g)?.length, 2);
  assert.equal(html.match(/Plotly\.newPlot/g)?.length, 2);
  assert.match(html, /pitchShift\(semitones=/);
  // Both spectrograms on the original's scale: a -12 dB copy peaks near -12 dB, not at its own 0 dB.
  const quieter = augmentPreviewHtml(
    y,
    y.map((v) => v / 4),
    16000,
  );
  const zmax = (fig: string) => Math.max(...(JSON.parse(fig) as { z: number[][] }[])[0].z.flat());
  const figures = [...quieter.matchAll(/Plotly\.newPlot\(el, (\[.*?\]), \{/g)].map((m) => zmax(m[1]));
  assert.ok(figures[0] <= 0);
  assert.ok(Math.abs(figures[1] - figures[0] + 12) < 0.5, `peaks ${figures[0]} and ${figures[1]} dB`);
  assert.match(quieter, /dB re\. original&#39;s peak|dB re\. original's peak/);
});

test('provenanceBySide counts the copies each side of a train/validation/test split makes and trains', async () => {
  const m = await real();
  const rows = m.rows.filter((r) => r.corpus === 'ravdess');
  const split = trainValidationTestSplit({ hash: m.hash, rows });
  const sides = { train: split.train, validation: split.validation, test: split.test };
  const plan = planTrainingCopies(split.innerSource, split.inner, 0, { copies: 2 });
  const planned = provenanceBySide(plan, plan, sides);
  assert.deepEqual(
    planned.map((p) => [p.side, p.copiesInPool, p.copiesInTraining]),
    [
      ['train', 2 * split.train.length, 2 * split.train.length],
      ['validation', 0, 0],
      ['test', 0, 0],
    ],
  );
  // A pool made from every clip (augment first, split later): copiesForFold keeps the training side's only.
  const naive = rows.map((r) => ({ id: `${r.id}#naive`, sourceId: r.id, sourceContentHash: r.contentHash }));
  const kept = copiesForFold(naive, split.innerSource, split.inner.folds[0]);
  const filtered = provenanceBySide(naive, kept, sides);
  assert.deepEqual(
    filtered.map((p) => [p.side, p.copiesInPool, p.copiesInTraining]),
    [
      ['train', split.train.length, split.train.length],
      ['validation', split.validation.length, 0],
      ['test', split.test.length, 0],
    ],
  );
  assert.equal(
    filtered.find((p) => p.side === 'test')?.speakers,
    new Set(split.test.map((r) => r.speaker)).size,
  );
});
