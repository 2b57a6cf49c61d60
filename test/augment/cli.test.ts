/** `ser augment` end to end on real TESS: copies of training clips only, provenance, one-line user errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { realDataRoot, repoRoot } from '../helpers/data';

test('ser augment expands the training side of a fold and writes provenance', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-augment-cli-'));
  try {
    const recipe = path.join(dir, 'recipe.json');
    fs.writeFileSync(
      recipe,
      JSON.stringify({
        version: 1,
        transforms: [{ name: 'pitchShift', p: 1, minSemitones: -2, maxSemitones: 2 }],
      }),
    );
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(repoRoot(), 'bin', 'ser.js'), 'augment', ...args], {
        encoding: 'utf8',
        env: { ...process.env, SER_PROGRESS: '0', SER_CACHE_DIR: path.join(dir, 'cache') },
      });
    const out = path.join(dir, 'out');
    const r = run(
      '--corpus',
      'tess',
      '--data',
      realDataRoot('tess'),
      '--recipe',
      recipe,
      '--out',
      out,
      '--protocol',
      'leave-one-speaker-out',
      '--fold',
      '2',
      '--copies',
      '2',
      '--limit',
      '3',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 copies of 2 training clips of loso test tess\/YAF/);
    const set = JSON.parse(fs.readFileSync(path.join(out, 'augmented.json'), 'utf8')) as {
      copies: { sourceId: string; file: string; steps: { name: string }[] }[];
    };
    assert.equal(set.copies.length, 3);
    for (const c of set.copies) {
      assert.match(c.sourceId, /^tess\/OAF_/, 'fold 2 tests YAF, so only OAF clips are augmented');
      assert.ok(fs.existsSync(path.join(out, c.file)));
      assert.equal(c.steps[0].name, 'pitchShift');
    }
    fs.writeFileSync(recipe, JSON.stringify({ version: 1, transforms: [{ name: 'reverse' }] }));
    const bad = run('--corpus', 'tess', '--data', realDataRoot('tess'), '--recipe', recipe, '--out', out);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^ser: recipe: transforms\[0\]: unknown transform "reverse"/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
