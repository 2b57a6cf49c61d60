/**
 * `ser manifest` as a user runs it (a child process): the done-when on the real TESS + RAVDESS tree,
 * skipped files listed with reasons, and one-line errors with exit code 1 for user mistakes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { realDataRoot } from '../helpers/data';
import { tempDir, writeFixtureFiles } from '../data/fixtures';
import { runSer as ser } from '../helpers/cli';

interface ManifestJson {
  corpora: { corpus: string; files: number; rows: number; skipped: number }[];
  counts: {
    files: number;
    rows: number;
    byCorpus: Record<string, number>;
    byEmotion: Record<string, number>;
    bySpeaker: Record<string, number>;
  };
  skipped: { path: string; reason: string }[];
  duplicates: { ids: string[]; byteIdentical: boolean }[];
  hash: string;
  out: string | null;
}

test('ser manifest --corpus tess,ravdess --json accounts for all 3760 files and writes the CSV', () => {
  const out = path.join(tempDir('ser-manifest-cli-'), 'manifest.csv');
  const r = ser([
    'manifest',
    '--corpus',
    'tess,ravdess',
    '--root',
    realDataRoot('tess'),
    '--json',
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as ManifestJson;
  assert.equal(j.counts.files, 3760);
  assert.equal(j.counts.rows + j.skipped.length, 3760);
  assert.deepEqual(j.skipped, []);
  assert.deepEqual(j.counts.byCorpus, { ravdess: 960, tess: 2800 });
  assert.deepEqual(j.counts.byEmotion, {
    neutral: 464,
    calm: 128,
    happy: 528,
    sad: 528,
    angry: 528,
    fear: 528,
    disgust: 528,
    surprise: 528,
  });
  assert.equal(Object.keys(j.counts.bySpeaker).length, 18);
  assert.deepEqual(
    j.duplicates.map((d) => d.ids),
    [['ravdess/Actor_07/03-01-03-01-02-01-07.wav', 'ravdess/Actor_07/03-01-03-01-02-02-07.wav']],
  );
  assert.equal(j.out, out);
  const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 3761);
  assert.ok(lines[0].startsWith('id,path,corpus,speaker,gender,emotion,'));
});

test('ser manifest (text) prints the emotion × corpus table, speakers and skipped files with reasons', () => {
  const root = tempDir('ser-manifest-text-');
  writeFixtureFiles(root, [
    'savee/DC/a01.wav',
    'savee/JE/sa02.wav',
    'savee/DC/zz01.wav',
    'savee/notes.txt',
    'emodb/wav/08b10La.wav',
    'emodb/wav/03a01Fa.wav',
  ]);
  const r = ser(['manifest', '--root', root]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /manifest of savee, emodb under .*: 6 files → 3 rows, 3 skipped/);
  assert.match(r.stdout, /^angry\s+1\s+0\s+1$/m);
  assert.match(r.stdout, /speakers \(3\): emodb\/03 1, savee\/DC 1, savee\/JE 1/);
  assert.ok(
    r.stdout.includes(`${path.join(root, 'savee', 'DC', 'zz01.wav')}: emotion prefix "zz"`),
    r.stdout,
  );
  assert.ok(r.stdout.includes(`${path.join(root, 'savee', 'notes.txt')}: not an audio file name`), r.stdout);
  assert.ok(
    r.stdout.includes(`${path.join(root, 'emodb', 'wav', '08b10La.wav')}: boredom has no unified emotion`),
    r.stdout,
  );
  const kept = ser(['manifest', '--root', root, '--boredom', 'neutral', '--json']);
  assert.equal((JSON.parse(kept.stdout) as ManifestJson).counts.byEmotion.neutral, 1);
});

test('ser manifest user errors: one line naming the problem, exit 1', () => {
  const root = tempDir('ser-manifest-err-');
  const missing = path.join(root, 'nope');
  const cases: [string[], string][] = [
    [['manifest', '--corpus', 'tess,iemocap', '--root', root], '"iemocap"'],
    [['manifest', '--corpus', 'tess', '--root', missing], missing],
    [['manifest', '--corpus', 'tess,ravdess', '--root', root], 'no tess folder'],
    [['manifest', '--root', root], root],
    [['manifest', '--corpus', 'tess', '--root', root, '--calm', 'merge'], '--calm'],
    [['manifest', '--corpus', 'tess', '--root', root, '--out', 'x.txt'], '--out'],
  ];
  for (const [args, mustName] of cases) {
    const r = ser(args);
    assert.equal(r.code, 1, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(mustName), `"${lines[0]}" should name ${mustName}`);
  }
  assert.equal(ser(['manifest', '--help']).code, 0);
});
