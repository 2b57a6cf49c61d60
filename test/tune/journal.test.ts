import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createStudy, JournalFileStorage, RandomSampler } from '../../lib/tune';
import { killOneWorkerScenario } from './fault';

test('journal storage: a study persists across storage instances and keeps every field', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-tune-journal-'));
  const file = path.join(dir, 'study.jsonl');
  const a = await createStudy({
    name: 's',
    storage: new JournalFileStorage(file),
    sampler: new RandomSampler({ seed: 3 }),
    direction: 'maximize',
  });
  await a.optimize(
    (t) => {
      const x = t.suggestFloat('x', 0, 1);
      t.suggestCategorical('c', ['a', 'b']);
      t.report(Number.NaN, 0);
      t.report(x / 2, 1);
      t.setUserAttr('note', { x });
      return x;
    },
    { nTrials: 5 },
  );
  const b = await createStudy({ name: 's', storage: `journal:${file}`, loadIfExists: true });
  assert.equal(b.direction, 'maximize');
  assert.deepEqual(b.trials, a.trials);
  assert.ok(Number.isNaN(b.trials[0].intermediateValues[0]));
  assert.equal(b.bestTrial.number, a.bestTrial.number);
  await assert.rejects(createStudy({ name: 's', storage: `journal:${file}` }), /already exists/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('journal storage: two processes, one SIGKILLed mid-trial — completed trials kept, killed one failed, numbers unique', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-tune-journal-'));
  await killOneWorkerScenario(path.join(dir, 'shared.jsonl'), 2);
  fs.rmSync(dir, { recursive: true, force: true });
});
