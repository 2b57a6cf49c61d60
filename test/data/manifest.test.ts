/**
 * The manifest on the real TESS + RAVDESS trees (every file accounted for, each quirk file of
 * shared/datasets/README.md handled deliberately, label counts), and on generated fixtures (undecodable
 * files, same audio stored twice, cache reuse and invalidation, worker threads, CSV and DataFrame views).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeWav, readAudioFileSync } from '../../lib/audio';
import {
  buildManifest,
  manifestCounts,
  manifestFromLoads,
  manifestToCsv,
  manifestToDataFrame,
  MANIFEST_COLUMNS,
  loadClassFolders,
  probeFile,
  type Manifest,
  type ManifestRow,
} from '../../lib/data';
import { realDataRoot, repoRoot } from '../helpers/data';
import { tempDir, toneWav, writeFixtureFiles } from './fixtures';

let real: Promise<Manifest> | undefined;
/** TESS + RAVDESS from the data root (probes cached in the project's .cache/manifest). */
function realManifest(): Promise<Manifest> {
  real ??= buildManifest({ corpora: ['tess', 'ravdess'], root: realDataRoot('tess'), progress: false });
  return real;
}
function row(m: Manifest, id: string): ManifestRow {
  const r = m.rows.find((x) => x.id === id);
  assert.ok(r, `${id} is not in the manifest`);
  return r;
}

test('real corpora: all 3760 files are rows, none skipped; TESS 7 × 400, RAVDESS 60 per actor (neutral 4, others 8)', async () => {
  const m = await realManifest();
  const c = manifestCounts(m);
  assert.equal(c.files, 3760);
  assert.deepEqual(m.skipped, []);
  assert.deepEqual(
    m.corpora.map((x) => [x.corpus, x.files, x.rows]),
    [
      ['tess', 2800, 2800],
      ['ravdess', 960, 960],
    ],
  );
  assert.deepEqual(c.byCorpusEmotion.tess, { angry: 400, disgust: 400, fear: 400, happy: 400, neutral: 400, sad: 400, surprise: 400 });
  for (let a = 1; a <= 16; a++) {
    const actor = String(a).padStart(2, '0');
    const rows = m.rows.filter((r) => r.corpus === 'ravdess' && r.speaker === actor);
    assert.equal(rows.length, 60, actor);
    for (const e of ['neutral', 'calm', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise']) {
      assert.equal(rows.filter((r) => r.emotion === e).length, e === 'neutral' ? 4 : 8, `${actor} ${e}`);
    }
  }
  assert.equal(c.bySpeaker['tess/OAF'], 1400);
  assert.equal(c.bySpeaker['tess/YAF'], 1400);
  assert.ok(m.rows.every((r) => r.duration > 0.5 && r.duration < 10 && /^[0-9a-f]{64}$/.test(r.contentHash)));
  assert.equal(new Set(m.rows.map((r) => r.id)).size, 3760);
});

test('quirk: TESS AIFF files behind .wav names are decoded as AIFF and labelled from their names', async () => {
  const m = await realManifest();
  for (const [id, emotion, seconds] of [
    ['tess/YAF_angry/YAF_germ_angry.wav', 'angry', 2.21],
    ['tess/YAF_fear/YAF_neat_fear.wav', 'fear', 1.64],
  ] as const) {
    const r = row(m, id);
    assert.deepEqual([r.container, r.encoding, r.sampleRate, r.channels, r.speaker, r.emotion], ['aiff', 'pcm16', 24414, 1, 'YAF', emotion]);
    assert.ok(Math.abs(r.duration - seconds) < 0.01, `${id}: ${r.duration} s`);
  }
  assert.equal(m.rows.filter((r) => r.container === 'aiff').length, 2, 'only those two are AIFF');
});

test('quirk: TESS 32-bit float WAVs at 44.1 kHz (one with samples beyond ±1) are rows of exactly 5.00 s', async () => {
  const m = await realManifest();
  for (const [id, speaker, emotion] of [
    ['tess/OAF_angry/OAF_back_angry.wav', 'OAF', 'angry'],
    ['tess/YAF_sad/YAF_beg_sad.wav', 'YAF', 'sad'],
  ] as const) {
    const r = row(m, id);
    assert.deepEqual([r.encoding, r.sampleRate, r.frames, r.speaker, r.emotion], ['float32', 44100, 220500, speaker, emotion]);
  }
  assert.equal(m.rows.filter((r) => r.encoding === 'float32').length, 2);
  // Kept as decoded, not clipped: the content hash covers the out-of-range samples.
  const beg = readAudioFileSync(row(m, 'tess/YAF_sad/YAF_beg_sad.wav').path).channels[0];
  assert.ok(beg.some((v) => Math.abs(v) > 1));
});

test('quirk: the 96 kHz TESS file keeps its native rate in the manifest', async () => {
  const m = await realManifest();
  const r = row(m, 'tess/OAF_fear/OAF_food_fear.wav');
  assert.deepEqual([r.sampleRate, r.speaker, r.emotion, r.sentence], [96000, 'OAF', 'fear', 'food']);
  assert.ok(Math.abs(r.duration - 1.51) < 0.01);
  const rates = new Set(m.rows.filter((x) => x.corpus === 'tess').map((x) => x.sampleRate));
  assert.deepEqual([...rates].sort(), [24414, 44100, 96000]);
});

test('quirk: OA_bite_neutral.wav (speaker prefix typo) is speaker OAF in the manifest', async () => {
  const m = await realManifest();
  const r = row(m, 'tess/OAF_neutral/OA_bite_neutral.wav');
  assert.deepEqual([r.speaker, r.gender, r.emotion, r.sentence], ['OAF', 'female', 'neutral', 'bite']);
});

test('quirk: the three stereo RAVDESS files are rows with 2 channels; every other file is mono', async () => {
  const m = await realManifest();
  const stereo = m.rows.filter((r) => r.channels === 2).map((r) => r.id);
  assert.deepEqual(stereo, [
    'ravdess/Actor_01/03-01-02-01-01-02-01.wav',
    'ravdess/Actor_01/03-01-08-01-02-02-01.wav',
    'ravdess/Actor_05/03-01-02-01-02-02-05.wav',
  ]);
  assert.ok(m.rows.every((r) => r.channels === 1 || r.channels === 2));
  assert.ok(m.rows.filter((r) => r.corpus === 'ravdess').every((r) => r.sampleRate === 22050));
});

test('quirk: the byte-identical RAVDESS pair is the one duplicate group, both rows kept', async () => {
  const m = await realManifest();
  assert.equal(m.duplicates.length, 1, JSON.stringify(m.duplicates));
  const [d] = m.duplicates;
  assert.deepEqual(d.ids, ['ravdess/Actor_07/03-01-03-01-02-01-07.wav', 'ravdess/Actor_07/03-01-03-01-02-02-07.wav']);
  assert.equal(d.byteIdentical, true);
  assert.equal(d.labelsAgree, true);
  const [a, b] = d.ids.map((id) => row(m, id));
  assert.equal(a.fileHash, b.fileHash);
  assert.equal(a.repetition, 1);
  assert.equal(b.repetition, 2);
});

test('content hash: the FLAC in shared/datasets and the materialized WAV of a clip hash the same', (t) => {
  const shared = path.resolve(repoRoot(), '..', 'shared', 'datasets');
  if (!fs.existsSync(path.join(shared, 'tess'))) return t.skip(`no FLAC tree at ${shared}`);
  const data = realDataRoot('tess');
  for (const rel of ['tess/OAF_fear/OAF_food_fear', 'ravdess/Actor_01/03-01-02-01-01-02-01']) {
    const flac = probeFile(path.join(shared, `${rel}.flac`));
    const wav = probeFile(path.join(data, `${rel}.wav`));
    assert.ok(flac.ok && wav.ok);
    assert.equal(flac.probe.container, 'flac');
    assert.notEqual(flac.probe.fileHash, wav.probe.fileHash);
    assert.equal(flac.probe.contentHash, wav.probe.contentHash, rel);
  }
});

test('fixture: undecodable files are skipped with the reason; same audio in another encoding is a non-byte-identical duplicate', async () => {
  const root = tempDir('ser-manifest-');
  const [a] = writeFixtureFiles(root, ['sad/s1/a.wav', 'sad/s1/text.wav', 'sad/s1/empty.wav'], {
    'sad/s1/text.wav': 'not audio\n',
    'sad/s1/empty.wav': '',
  });
  // The same samples stored as float32: different bytes, identical decoded audio.
  const decoded = readAudioFileSync(a);
  fs.mkdirSync(path.join(root, 'sad', 's2'));
  fs.writeFileSync(path.join(root, 'sad', 's2', 'copy.wav'), encodeWav(decoded.channels, decoded.sampleRate, { encoding: 'float32' }));
  const m = await manifestFromLoads([loadClassFolders(root)], { cacheDir: null, progress: false });
  assert.deepEqual(
    m.skipped.map((s) => [path.basename(s.path), s.corpus]),
    [
      ['empty.wav', 'folder'],
      ['text.wav', 'folder'],
    ],
  );
  assert.match(m.skipped[0].reason, /^cannot decode: an empty file/);
  assert.match(m.skipped[1].reason, /^cannot decode: not an audio file/);
  assert.equal(m.rows.length, 2);
  assert.deepEqual(m.duplicates.map((d) => [d.ids, d.byteIdentical, d.labelsAgree]), [[['folder/sad/s1/a.wav', 'folder/sad/s2/copy.wav'], false, false]]);
});

test('fixture: probes are cached by path, size and mtime; a changed file is decoded again; workers give the same rows', async () => {
  const root = tempDir('ser-cache-');
  const cacheDir = tempDir('ser-cache-dir-');
  const files = Array.from({ length: 40 }, (_, i) => `happy/s${i % 4}/clip${String(i).padStart(2, '0')}.wav`);
  writeFixtureFiles(root, files);
  const first = await manifestFromLoads([loadClassFolders(root)], { cacheDir, workers: 2, progress: false });
  assert.deepEqual(first.cache, { hits: 0, misses: 40, dir: cacheDir });
  const second = await manifestFromLoads([loadClassFolders(root)], { cacheDir, workers: 2, progress: false });
  assert.deepEqual([second.cache.hits, second.cache.misses], [40, 0]);
  assert.deepEqual(second.rows, first.rows);
  const inThread = await manifestFromLoads([loadClassFolders(root)], { cacheDir: null, workers: 0, progress: false });
  assert.deepEqual(inThread.rows, first.rows, 'worker threads and this thread agree');
  fs.writeFileSync(path.join(root, files[3]), toneWav(999));
  const third = await manifestFromLoads([loadClassFolders(root)], { cacheDir, progress: false });
  assert.deepEqual([third.cache.hits, third.cache.misses], [39, 1]);
  assert.notEqual(third.hash, first.hash);
  const changed = (mm: Manifest) => mm.rows.find((r) => r.id === `folder/${files[3]}`)?.contentHash;
  assert.notEqual(changed(third), changed(first));
  assert.equal(fs.readdirSync(cacheDir).filter((f) => f.includes('.tmp-')).length, 0, 'no temp files left');
});

test('CSV and DataFrame views: header, quoting, one line per row, same values', async () => {
  const root = tempDir('ser-csv-');
  writeFixtureFiles(root, ['angry/spk "A", x/one.wav', 'calm/B/two.wav']);
  const m = await manifestFromLoads([loadClassFolders(root)], { cacheDir: null, progress: false });
  const csv = manifestToCsv(m.rows);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], MANIFEST_COLUMNS.join(','));
  assert.equal(lines.length, 3);
  assert.ok(lines[1].startsWith('"folder/angry/spk ""A"", x/one.wav",'), lines[1]);
  assert.ok(lines[1].includes(',"spk ""A"", x",unknown,angry,angry,unspecified,unknown,,16000,1,800,0.05,wav,pcm16,'), lines[1]);
  const df = await manifestToDataFrame(m.rows);
  assert.deepEqual(df.shape, [2, MANIFEST_COLUMNS.length]);
  assert.deepEqual(df.columns, [...MANIFEST_COLUMNS]);
  assert.deepEqual(df['speaker'].values, ['spk "A", x', 'B']);
  assert.deepEqual(df['frames'].values, [800, 800]);
  assert.deepEqual(df['contentHash'].values, m.rows.map((r) => r.contentHash));
});
