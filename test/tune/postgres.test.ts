import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createStudy, openStorage, TpeSampler } from '../../lib/tune';
import { killOneWorkerScenario } from './fault';

// A server from SER_TEST_POSTGRES_URL (.ci/run starts one), else a throwaway cluster of our own. The tests
// skip (loudly) only when no PostgreSQL server is installed; a server that fails to start is a failure.
const SCRIPT = path.join(__dirname, '..', '..', '..', 'test', 'tune', 'start-postgres.sh');
let url = process.env.SER_TEST_POSTGRES_URL;
let ownDir: string | undefined;
let skip: string | false = false;

before(() => {
  if (url) return;
  ownDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-tune-pg-'));
  const r = spawnSync('bash', [SCRIPT, ownDir], { encoding: 'utf8' });
  if (r.status === 3) {
    skip = r.stderr.trim();
    process.stderr.write(`\n!!! SKIPPING PostgreSQL tests: ${skip}\n\n`);
    return;
  }
  assert.equal(r.status, 0, `could not start PostgreSQL: ${r.stderr}`);
  url = r.stdout.trim();
});

after(() => {
  if (ownDir && !skip) spawnSync('bash', [SCRIPT, ownDir, 'stop']);
  if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
});

test('postgres storage: round trip of trials, concurrent trials in one process, resume by name', async (t) => {
  if (skip) return t.skip(skip);
  const name = `rt-${process.pid}-${Date.now()}`;
  const storage = await openStorage(url!);
  const study = await createStudy({
    name,
    storage,
    sampler: new TpeSampler({ seed: 1 }),
    direction: 'minimize',
  });
  await study.optimize(
    async (trial) => {
      const x = trial.suggestFloat('x', -5, 5);
      const k = trial.suggestInt('k', 1, 64, { log: true });
      trial.report(x * x + 1, 0);
      trial.setUserAttr('k2', k * 2);
      await new Promise((r) => setTimeout(r, 5));
      return x * x + k;
    },
    { nTrials: 16, concurrency: 4 },
  );
  const again = await createStudy({ name, storage: url!, loadIfExists: true });
  assert.deepEqual(again.trials, study.trials);
  assert.deepEqual(
    again.trials.map((t) => t.number),
    [...Array(16).keys()],
  );
  assert.ok(
    again.trials.every((t) => t.state === 'complete' && t.userAttrs.k2 === 2 * (t.params.k as number)),
  );
  await storage.close();
  await again.storage.close();
});

test('postgres storage: four worker processes, one SIGKILLed mid-trial — completed trials kept, killed one failed, numbers unique', async (t) => {
  if (skip) return t.skip(skip);
  await killOneWorkerScenario(url!, 4);
});
