/**
 * `ser split` as a user runs it: a saved grouped k-fold split of the real TESS + RAVDESS manifest reloads
 * against that manifest, and user mistakes are one-line errors with exit code 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildManifest, loadSplit } from '../../lib/data';
import { realDataRoot } from '../helpers/data';
import { tempDir } from '../data/fixtures';
import { runSer as ser } from '../helpers/cli';

test('ser split --protocol speaker saves a split that reloads against the same manifest', async () => {
  const root = realDataRoot('tess');
  const dir = tempDir('ser-split-cli-');
  const r = ser([
    'split',
    '--protocol',
    'speaker',
    '--k',
    '4',
    '--corpus',
    'tess,ravdess',
    '--root',
    root,
    '--dir',
    dir,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    file: string;
    protocol: string;
    folds: { train: number; test: number; testSpeakers: string[] }[];
  };
  assert.equal(j.protocol, 'speaker');
  assert.equal(path.dirname(j.file), dir);
  assert.equal(j.folds.length, 4);
  assert.equal(
    j.folds.reduce((n, f) => n + f.test, 0),
    3760,
  );
  assert.equal(new Set(j.folds.flatMap((f) => f.testSpeakers)).size, 18);
  const m = await buildManifest({ corpora: ['tess', 'ravdess'], root, progress: false });
  assert.equal(loadSplit(j.file, m).folds.length, 4);
  assert.ok(fs.existsSync(j.file));
});

test('ser split user errors: one line, exit 1', () => {
  const root = realDataRoot('tess');
  const cases: [string[], string][] = [
    [['split', '--corpus', 'tess', '--root', root], '--protocol'],
    [['split', '--protocol', 'bogus', '--corpus', 'tess', '--root', root], 'bogus'],
    [
      ['split', '--protocol', 'speaker', '--k', '5', '--corpus', 'tess', '--root', root],
      'at least 5 speakers',
    ],
    [['split', '--protocol', 'cross', '--corpus', 'tess,ravdess', '--root', root], '--train'],
    [
      ['split', '--protocol', 'random', '--test-fraction', '1.5', '--corpus', 'tess', '--root', root],
      '--test-fraction',
    ],
  ];
  for (const [args, mustName] of cases) {
    const r = ser(args);
    assert.equal(r.code, 1, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(mustName), `"${lines[0]}" should name ${mustName}`);
  }
});

test('ser split accepts the older protocol names and saves them under the one vocabulary', () => {
  const root = realDataRoot('tess');
  const dir = tempDir('ser-split-alias-');
  for (const [old, name] of [
    ['kfold', 'speaker'],
    ['grouped-kfold', 'speaker'],
    ['leave-one-speaker-out', 'loso'],
    ['stratified-random', 'random'],
  ]) {
    const r = ser(['split', '--protocol', old, '--corpus', 'tess', '--root', root, '--dir', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { protocol: string }).protocol, name);
  }
});

test('a split saved under an older protocol name still loads, with its protocol read as the new name', async () => {
  const root = realDataRoot('tess');
  const dir = tempDir('ser-split-old-');
  const r = ser([
    'split',
    '--protocol',
    'speaker',
    '--corpus',
    'tess',
    '--root',
    root,
    '--dir',
    dir,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const file = (JSON.parse(r.stdout) as { file: string }).file;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { protocol: string };
  const old = path.join(dir, 'grouped-kfold-old.json');
  fs.writeFileSync(old, JSON.stringify({ ...saved, protocol: 'grouped-kfold' }));
  const m = await buildManifest({ corpora: ['tess'], root, progress: false });
  const split = loadSplit(old, m);
  assert.equal(split.protocol, 'speaker');
  assert.equal(split.folds.length, 2);
});
