/**
 * Splits of the real TESS + RAVDESS manifest: stratified random, grouped k-fold by speaker (checked against
 * scikit-learn's StratifiedGroupKFold when Debian's python3 has it), leave-one-speaker-out, cross-corpus;
 * duplicate audio across speakers is purged from train; saved splits reload only against their manifest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  assertDisjointFold,
  buildManifest,
  crossCorpusSplit,
  foldRows,
  groupedKFoldSplit,
  leaveOneSpeakerOutSplit,
  loadClassFolders,
  loadSplit,
  manifestFromLoads,
  saveSplit,
  speakerKey,
  stratifiedRandomSplit,
  trainValidationTestSplit,
  type Manifest,
  type Split,
} from '../../lib/data';
import { UserError } from '../../lib/util/errors';
import { realDataRoot } from '../helpers/data';
import { tempDir, writeFixtureFiles } from './fixtures';

let real: Promise<Manifest> | undefined;
function realManifest(): Promise<Manifest> {
  real ??= buildManifest({ corpora: ['tess', 'ravdess'], root: realDataRoot('tess'), progress: false });
  return real;
}

/** Every fold: sides disjoint by id, speaker (when speaker-independent) and content hash. */
function checkFolds(m: Manifest, split: Split): void {
  const byId = new Map(m.rows.map((r) => [r.id, r]));
  for (const fold of split.folds) {
    assertDisjointFold(fold, byId, split.speakerIndependent);
    const { train, test } = foldRows(m, fold);
    const testHashes = new Set(test.map((r) => r.contentHash));
    assert.ok(train.every((r) => !testHashes.has(r.contentHash)), fold.name);
    if (split.speakerIndependent) {
      const testSpeakers = new Set(test.map(speakerKey));
      assert.ok(train.every((r) => !testSpeakers.has(speakerKey(r))), fold.name);
    }
  }
}

test('stratified random: 20 % of each emotion in test, duplicates together, reproducible by seed', async () => {
  const m = await realManifest();
  const split = stratifiedRandomSplit(m, { seed: 7 });
  assert.equal(split.speakerIndependent, false);
  checkFolds(m, split);
  const [fold] = split.folds;
  assert.equal(fold.train.length + fold.test.length, m.rows.length);
  const { test } = foldRows(m, fold);
  for (const e of new Set(m.rows.map((r) => r.emotion))) {
    const all = m.rows.filter((r) => r.emotion === e).length;
    const inTest = test.filter((r) => r.emotion === e).length;
    assert.ok(Math.abs(inTest - 0.2 * all) <= 1, `${e}: ${inTest} of ${all}`);
  }
  const pair = m.duplicates[0].ids;
  assert.equal(fold.test.includes(pair[0]), fold.test.includes(pair[1]), 'the duplicated recording stays on one side');
  assert.deepEqual(stratifiedRandomSplit(m, { seed: 7 }), split);
  assert.notDeepEqual(stratifiedRandomSplit(m, { seed: 8 }).folds[0].test, fold.test);
});

test('grouped k-fold: each speaker in exactly one test fold, no speaker or audio on both sides', async () => {
  const m = await realManifest();
  const split = groupedKFoldSplit(m, { k: 5 });
  checkFolds(m, split);
  const tested = split.folds.flatMap((f) => f.test);
  assert.equal(tested.length, m.rows.length);
  assert.equal(new Set(tested).size, m.rows.length);
  const ravdess = { hash: m.hash, rows: m.rows.filter((r) => r.corpus === 'ravdess') };
  const four = groupedKFoldSplit(ravdess, { k: 4 });
  // 16 actors with identical emotion profiles: 4 actors (240 clips) per fold, every emotion in proportion.
  for (const fold of four.folds) {
    const { test } = foldRows(ravdess, fold);
    assert.equal(new Set(test.map(speakerKey)).size, 4);
    assert.equal(test.filter((r) => r.emotion === 'neutral').length, 16);
  }
  const shuffled = groupedKFoldSplit(ravdess, { k: 4, seed: 3 });
  checkFolds(m, shuffled);
  assert.deepEqual(groupedKFoldSplit(ravdess, { k: 4, seed: 3 }), shuffled);
  assert.throws(() => groupedKFoldSplit({ hash: m.hash, rows: m.rows.filter((r) => r.corpus === 'tess') }, { k: 3 }), UserError);
});

test('grouped k-fold gives the same folds as scikit-learn StratifiedGroupKFold(shuffle=False)', async (t) => {
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import sklearn'], { stdio: 'ignore' }).status !== 0) return t.skip('no scikit-learn in /usr/bin/python3');
  const m = await realManifest();
  const cases = [
    { name: 'tess+ravdess k=5', rows: m.rows, k: 5 },
    { name: 'ravdess k=4', rows: m.rows.filter((r) => r.corpus === 'ravdess'), k: 4 },
    // Unequal speakers: actors 1–7, and calm dropped for actors 5–16.
    { name: 'ravdess 1–7 k=3', rows: m.rows.filter((r) => r.corpus === 'ravdess' && Number(r.speaker) <= 7), k: 3 },
    { name: 'uneven k=3', rows: m.rows.filter((r) => r.corpus === 'ravdess' && (r.emotion !== 'calm' || Number(r.speaker) < 5)), k: 3 },
  ];
  const script = [
    'import json, sys',
    'from sklearn.model_selection import StratifiedGroupKFold',
    'cases = json.load(sys.stdin)',
    "print(json.dumps([[[int(i) for i in te] for _, te in StratifiedGroupKFold(n_splits=c['k']).split(c['y'], c['y'], c['g'])] for c in cases]))",
  ].join('\n');
  const input = JSON.stringify(cases.map((c) => ({ k: c.k, y: c.rows.map((r) => r.emotion), g: c.rows.map(speakerKey) })));
  const py = spawnSync(python, ['-c', script], { input, encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const folds = JSON.parse(py.stdout) as number[][][];
  cases.forEach((c, n) => {
    const expected = folds[n].map((idx) => idx.map((i) => c.rows[i].id));
    const mine = groupedKFoldSplit({ hash: m.hash, rows: c.rows }, { k: c.k }).folds.map((f) => f.test);
    assert.deepEqual(mine, expected, c.name);
  });
});

test('leave-one-speaker-out: one fold per speaker (18), the speaker alone on the test side', async () => {
  const m = await realManifest();
  const split = leaveOneSpeakerOutSplit(m);
  checkFolds(m, split);
  assert.equal(split.folds.length, 18);
  assert.deepEqual(split.folds[0].name, 'test ravdess/01');
  const oaf = split.folds.find((f) => f.name === 'test tess/OAF');
  assert.ok(oaf);
  assert.equal(oaf.test.length, 1400);
  assert.equal(oaf.train.length, 3760 - 1400);
});

test('cross-corpus: TESS → RAVDESS keeps the shared emotions (RAVDESS calm dropped), or all with the option', async () => {
  const m = await realManifest();
  const split = crossCorpusSplit(m, { train: ['tess'], test: 'ravdess' });
  checkFolds(m, split);
  const { train, test } = foldRows(m, split.folds[0]);
  assert.equal(train.length, 2800);
  assert.equal(test.length, 960 - 128);
  assert.ok(test.every((r) => r.corpus === 'ravdess' && r.emotion !== 'calm'));
  const all = crossCorpusSplit(m, { train: ['tess'], test: 'ravdess', sharedEmotionsOnly: false });
  assert.equal(all.folds[0].test.length, 960);
  assert.throws(() => crossCorpusSplit(m, { train: ['tess'], test: 'emodb' }), /emodb is not in the manifest/);
  assert.throws(() => crossCorpusSplit(m, { train: ['tess'], test: 'tess' }), /both sides/);
});

test('the same audio under two speakers: purged from train when its copy is in test; an overlapping fold is refused', async () => {
  const root = tempDir('ser-split-dup-');
  const files = writeFixtureFiles(root, ['sad/A/1.wav', 'sad/A/2.wav', 'sad/B/1.wav', 'sad/B/2.wav', 'happy/C/1.wav', 'happy/C/2.wav']);
  fs.copyFileSync(files[0], path.join(root, 'sad', 'B', 'copy-of-A1.wav'));
  const m = await manifestFromLoads([loadClassFolders(root)], { cacheDir: null, progress: false });
  assert.equal(m.duplicates.length, 1);
  const loso = leaveOneSpeakerOutSplit(m);
  const testA = loso.folds.find((f) => f.name === 'test folder/A');
  assert.ok(testA);
  assert.deepEqual(testA.purged, ['folder/sad/B/copy-of-A1.wav']);
  assert.ok(!testA.train.includes('folder/sad/B/copy-of-A1.wav'));
  checkFolds(m, loso);
  const byId = new Map(m.rows.map((r) => [r.id, r]));
  const bad = { ...testA, train: [...testA.train, 'folder/sad/B/copy-of-A1.wav'], purged: [] };
  assert.throws(() => assertDisjointFold(bad, byId, true), /same audio is in train \(folder\/sad\/B\/copy-of-A1.wav\) and test/);
  const mixed = { name: 'mixed', train: ['folder/sad/A/2.wav', 'folder/happy/C/1.wav'], test: ['folder/sad/A/1.wav'], purged: [] };
  assert.throws(() => assertDisjointFold(mixed, byId, true), /speaker folder\/A is on both sides/);
  assertDisjointFold(mixed, byId, false); // a speaker-dependent split allows it
});

test('speaker-independent protocols refuse rows without speakers', async () => {
  const root = tempDir('ser-split-nospk-');
  writeFixtureFiles(root, ['sad/1.wav', 'happy/2.wav', 'sad/3.wav', 'happy/4.wav']);
  const m = await manifestFromLoads([loadClassFolders(root)], { cacheDir: null, progress: false });
  assert.throws(() => leaveOneSpeakerOutSplit(m), (e: unknown) => e instanceof UserError && /has none/.test(e.message));
  assert.throws(() => groupedKFoldSplit(m, { k: 2 }), UserError);
  assert.equal(stratifiedRandomSplit(m, { testFraction: 0.5 }).folds[0].test.length, 2);
});

test('saved splits: JSON with seed and manifest hash; reload checks the manifest and the folds', async () => {
  const m = await realManifest();
  const dir = tempDir('ser-splits-');
  const split = groupedKFoldSplit(m, { k: 5, seed: 11 });
  const file = saveSplit(split, dir);
  assert.equal(path.dirname(file), dir);
  assert.match(path.basename(file), new RegExp(`^speaker-[0-9a-f]{8}-seed11-manifest${m.hash.slice(0, 12)}\\.json$`));
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Split;
  assert.equal(saved.seed, 11);
  assert.equal(saved.manifestHash, m.hash);
  assert.deepEqual(loadSplit(file, m), split);
  const other = { hash: 'f'.repeat(64), rows: m.rows };
  assert.throws(() => loadSplit(file, other), (e: unknown) => e instanceof UserError && e.message.includes(file) && /not this one/.test(e.message));
  const tampered = structuredClone(saved);
  tampered.folds[0].train.push(tampered.folds[0].test[0]);
  fs.writeFileSync(file, JSON.stringify(tampered));
  assert.throws(() => loadSplit(file, m), /on both sides|same audio/);
  fs.writeFileSync(file, '{ nope');
  assert.throws(() => loadSplit(file, m), (e: unknown) => e instanceof UserError && /cannot read split/.test(e.message));
});

test('train/validation/test: test and validation speakers held out by grouped k-fold; one speaker left falls back to random', async () => {
  const m = await realManifest();
  const speakers = (rows: readonly { corpus: string; speaker: string }[]) => new Set(rows.map(speakerKey));
  const ravdess = m.rows.filter((r) => r.corpus === 'ravdess');
  const three = trainValidationTestSplit({ hash: m.hash, rows: ravdess });
  const [train, validation, testSide] = [three.train, three.validation, three.test].map(speakers);
  for (const s of validation) assert.ok(!train.has(s) && !testSide.has(s), `validation speaker ${s} elsewhere`);
  for (const s of testSide) assert.ok(!train.has(s), `test speaker ${s} in training`);
  assert.equal(three.train.length + three.validation.length + three.test.length, ravdess.length);
  assert.ok(three.inner.speakerIndependent && three.outer.speakerIndependent);
  assert.ok(validation.size >= 2 && testSide.size >= 2 && train.size > validation.size);
  assert.deepEqual(three.innerSource.rows, [...three.train, ...three.validation].sort((a, b) => ravdess.indexOf(a) - ravdess.indexOf(b)));

  const tess = m.rows.filter((r) => r.corpus === 'tess');
  const two = trainValidationTestSplit({ hash: m.hash, rows: tess }, { seed: 3 });
  assert.equal(two.inner.speakerIndependent, false);
  assert.deepEqual([...speakers(two.validation)], [...speakers(two.train)]);
  assert.equal(speakers(two.test).size, 1);
  assert.ok(Math.abs(two.validation.length / (two.train.length + two.validation.length) - 0.2) < 0.01);
});
