import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createStudy } from '../../lib/tune';

const CLI = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

test('ser tune: two local workers share a journal study, the best config is written; unknown model is a user error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-tune-cli-'));
  const journal = path.join(dir, 'study.jsonl');
  const best = path.join(dir, 'best.json');
  const args = ['tune', '--objective', 'branin', '--trials', '14', '--workers', '2', '--seed', '3'];
  const r = spawnSync(
    process.execPath,
    [CLI, ...args, '--storage', `journal:${journal}`, '--study', 'b', '--out', best],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const study = await createStudy({ name: 'b', storage: `journal:${journal}`, loadIfExists: true });
  const finished = study.trials.filter((t) => t.state === 'complete');
  assert.ok(finished.length >= 14, `${finished.length} trials`);
  assert.deepEqual(
    study.trials.map((t) => t.number),
    [...Array(study.trials.length).keys()],
  );
  const saved = JSON.parse(fs.readFileSync(best, 'utf8')) as {
    value: number;
    params: Record<string, number>;
  };
  assert.equal(saved.value, study.bestValue);
  assert.deepEqual(saved.params, study.bestParams);
  // Both workers sampled (different seeds): no duplicated parameter sets.
  assert.equal(new Set(study.trials.map((t) => JSON.stringify(t.params))).size, study.trials.length);

  const bad = spawnSync(process.execPath, [CLI, 'tune', '--model', 'no-such-model'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown model "no-such-model"/);
  fs.rmSync(dir, { recursive: true, force: true });
});
