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

test('ser split --protocol kfold saves a split that reloads against the same manifest', async () => {
  const root = realDataRoot('tess');
  const dir = tempDir('ser-split-cli-');
  const r = ser([
    'split',
    '--protocol',
    'kfold',
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
  assert.equal(j.protocol, 'grouped-kfold');
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
    [['split', '--protocol', 'kfold', '--corpus', 'tess', '--root', root], 'at least 5 speakers'],
    [['split', '--protocol', 'cross-corpus', '--corpus', 'tess,ravdess', '--root', root], '--train'],
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
