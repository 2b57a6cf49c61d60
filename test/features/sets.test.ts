/**
 * Named feature sets, sequence normalisation, the feature cache and parallel extraction, on real TESS and
 * RAVDESS files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAudio } from '../../lib/audio';
import {
  chromaFromPower,
  configHash,
  defineFeatureSet,
  extractFeatures,
  extractSet,
  FEATURE_SETS,
  featureSet,
  fitSequenceStandardizer,
  melFromSpectrogram,
  mfccFromLogMel,
  powerToDb,
  setDims,
  setFeatureNames,
  standardizeSequence,
} from '../../lib/features';
import { spectrogram, stftFrameCount } from '../../lib/dsp';
import { realDataRoot } from '../helpers/data';

const root = realDataRoot('tess');
realDataRoot('ravdess');
const tessFile = path.join(root, 'tess', 'OAF_angry', 'OAF_back_angry.wav');
const someFiles = [
  ...fs
    .readdirSync(path.join(root, 'tess', 'YAF_happy'))
    .slice(0, 6)
    .map((f) => path.join(root, 'tess', 'YAF_happy', f)),
  ...fs
    .readdirSync(path.join(root, 'ravdess', 'Actor_02'))
    .slice(0, 6)
    .map((f) => path.join(root, 'ravdess', 'Actor_02', f)),
];

test('seed000 stacks MFCC 40, Δ, ΔΔ and chroma per frame, time-major, equal to the features computed alone', async () => {
  const set = FEATURE_SETS.seed000;
  const audio = await loadAudio(tessFile, { sampleRate: set.sampleRate });
  const seq = extractSet(audio, set);
  const dims = setDims(set);
  assert.equal(dims, 132);
  assert.equal(setFeatureNames(set).length, dims);
  const frames = seq.length / dims;
  assert.equal(frames, stftFrameCount(audio.samples.length, { nFft: 512, hopLength: 256 }));

  const power = spectrogram(audio.samples, { nFft: 512, hopLength: 256, power: 2 });
  const mfcc = mfccFromLogMel(powerToDb(melFromSpectrogram(power, 22050)), 40);
  const { chroma } = chromaFromPower(power, { sr: 22050 });
  for (const t of [0, 7, Math.floor(frames / 2), frames - 1]) {
    for (let k = 0; k < 40; k++) assert.ok(Math.abs(seq[t * dims + k] - mfcc.data[k * frames + t]) < 1e-3);
    for (let c = 0; c < 12; c++) assert.equal(seq[t * dims + 120 + c], chroma.data[c * frames + t]);
  }
});

test('seed001 is 128 log-mel bands × exactly 87 frames, peak at 0 dB, floor at −80 dB', async () => {
  const set = featureSet('seed001');
  for (const file of [tessFile, someFiles[8]]) {
    const audio = await loadAudio(file, { sampleRate: set.sampleRate });
    const seq = extractSet(audio, set);
    assert.equal(seq.length, 87 * 128);
    const max = seq.reduce((m, v) => Math.max(m, v), -Infinity);
    const min = seq.reduce((m, v) => Math.min(m, v), Infinity);
    assert.equal(max, 0);
    assert.ok(min >= -80.0001 && min < -20, `min ${min}`);
  }
});

test('stats (seed004) holds the per-clip mean and population std of each frame feature', async () => {
  const stats = featureSet('stats');
  const sequence = defineFeatureSet({ ...stats, name: 'stats-as-sequence', output: 'sequence' });
  const audio = await loadAudio(someFiles[0], { sampleRate: 22050 });
  const vector = extractSet(audio, stats);
  const seq = extractSet(audio, sequence);
  const dims = setDims(sequence);
  assert.equal(vector.length, 2 * dims);
  assert.equal(setFeatureNames(stats)[dims], `${setFeatureNames(sequence)[0]}_std`);
  const frames = seq.length / dims;
  for (const d of [0, 39, 40, 52, 180, dims - 1]) {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += seq[t * dims + d];
    const mean = sum / frames;
    let sq = 0;
    for (let t = 0; t < frames; t++) sq += (seq[t * dims + d] - mean) ** 2;
    assert.ok(Math.abs(vector[d] - mean) <= 1e-4 * Math.max(1, Math.abs(mean)), `mean of ${d}`);
    assert.ok(
      Math.abs(vector[dims + d] - Math.sqrt(sq / frames)) <= 1e-4 * Math.max(1, Math.sqrt(sq / frames)),
    );
  }
});

test('a sequence standardizer fitted on training clips z-scores every feature over their frames', async () => {
  const set = FEATURE_SETS.seed001;
  const train = await Promise.all(
    someFiles.slice(0, 4).map(async (f) => extractSet(await loadAudio(f, { sampleRate: 22050 }), set)),
  );
  const state = fitSequenceStandardizer(train, 128);
  const z = train.map((s) => standardizeSequence(state, s));
  for (const d of [0, 64, 127]) {
    const values = z.flatMap((s) => Array.from({ length: s.length / 128 }, (_, t) => s[t * 128 + d]));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(mean) < 1e-4 && Math.abs(std - 1) < 1e-3, `band ${d}: mean ${mean}, std ${std}`);
  }
});

test('config hashes ignore key order and change with any field', () => {
  const a = FEATURE_SETS.seed000;
  const reordered = Object.fromEntries(Object.entries(a).reverse());
  assert.equal(configHash(reordered), configHash(a));
  assert.notEqual(configHash({ ...a, nMfcc: 39 }), configHash(a));
});

test('cache: cold run fills it on two workers, warm run reads identical vectors, damage reads as a miss', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-feature-cache-'));
  try {
    const bogus = path.join(cacheDir, 'not-audio.wav');
    fs.writeFileSync(bogus, 'this is not a wav file');
    const files = [...someFiles, bogus];
    const cold = await extractFeatures(files, 'seed002', { cacheDir, workers: 2, progress: false });
    assert.equal(cold.cacheHits, 0);
    assert.equal(cold.skipped.length, 1);
    assert.equal(cold.skipped[0].path, bogus);
    assert.match(cold.skipped[0].reason, /not-audio\.wav/);
    assert.equal(cold.dims, 42);

    const warm = await extractFeatures(files, 'seed002', { cacheDir, workers: 1, progress: false });
    assert.equal(warm.cacheHits, someFiles.length);
    warm.vectors.forEach((v, i) => assert.deepEqual(v, cold.vectors[i]));

    // Damage one entry: it is recomputed (and rewritten) rather than trusted.
    const dir = path.join(cacheDir, configHash(FEATURE_SETS.seed002));
    const entries = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((e) => e.endsWith('.f32'));
    assert.equal(entries.length, someFiles.length);
    fs.truncateSync(path.join(dir, entries[0]), 20);
    const repaired = await extractFeatures(files, 'seed002', { cacheDir, workers: 1, progress: false });
    assert.equal(repaired.cacheHits, someFiles.length - 1);
    repaired.vectors.forEach((v, i) => assert.deepEqual(v, cold.vectors[i]));

    // Another config never reads these entries.
    const other = await extractFeatures(
      someFiles.slice(0, 2),
      { ...FEATURE_SETS.seed002, nMfcc: 13 },
      {
        cacheDir,
        workers: 1,
        progress: false,
      },
    );
    assert.equal(other.cacheHits, 0);
    assert.equal(other.dims, 15);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('cache: concurrent runs on the same empty cache agree and leave no temporary files', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-feature-cache-'));
  try {
    const runs = await Promise.all(
      [2, 2].map((workers) => extractFeatures(someFiles, 'seed001', { cacheDir, workers, progress: false })),
    );
    runs[0].vectors.forEach((v, i) => assert.deepEqual(v, runs[1].vectors[i]));
    const leftovers = fs
      .readdirSync(cacheDir, { recursive: true })
      .map(String)
      .filter((e) => e.includes('.tmp-'));
    assert.deepEqual(leftovers, []);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
