/**
 * The multi-process fault scenario shared by the journal and PostgreSQL tests: N workers share one study, one
 * is SIGKILLed mid-trial; the study must finish with every completed trial kept, the killed trial failed (by
 * the heartbeat of its peers) and no trial number used twice.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createStudy, NopPruner, openStorage, RandomSampler } from '../../lib/tune';

const WORKER = path.join(__dirname, 'fixtures', 'worker.js');

interface WorkerRun {
  child: ChildProcess;
  started: number[];
  done: number[];
  exit: Promise<number | null>;
}

function startWorker(args: string[], onStart: (w: WorkerRun, n: number) => void): WorkerRun {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: WorkerRun = {
    child,
    started: [],
    done: [],
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  let buf = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(`worker failed (${code}): ${err}\n`);
  });
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const [what, n] = buf.slice(0, i).split(' ');
      buf = buf.slice(i + 1);
      if (what === 'start') {
        run.started.push(Number(n));
        onStart(run, Number(n));
      } else if (what === 'done') run.done.push(Number(n));
    }
  });
  return run;
}

/** Runs the scenario on the storage at `url` with `workers` processes. */
export async function killOneWorkerScenario(url: string, workers: number): Promise<void> {
  const name = `fault-${process.pid}-${Date.now()}`;
  const target = 8 * workers;
  const heartbeat = 0.2;
  // Create the study first so that workers only load it.
  const setup = await openStorage(url);
  await createStudy({ name, storage: setup, direction: 'minimize' });
  let killed: { run: WorkerRun; trial: number } | undefined;
  const runs: WorkerRun[] = [];
  for (let w = 0; w < workers; w++) {
    runs.push(
      startWorker([url, name, String(target), '120', String(heartbeat)], (run, n) => {
        // Kill the first worker in its second trial, while that trial sleeps.
        if (killed === undefined && run === runs[0] && run.started.length === 2) {
          killed = { run, trial: n };
          setTimeout(() => run.child.kill('SIGKILL'), 30);
        }
      }),
    );
  }
  const codes = await Promise.all(runs.map((r) => r.exit));
  assert.ok(killed, 'the first worker never reached its second trial');
  codes.forEach((c, i) => {
    if (runs[i] !== killed!.run) assert.equal(c, 0, `worker ${i} exited with ${c}`);
  });

  // Any worker would fail the dead trial at its next ask once the grace period passed; do it here too.
  const storage = await openStorage(url, { heartbeatInterval: heartbeat });
  const study = await createStudy({
    name,
    storage,
    loadIfExists: true,
    sampler: new RandomSampler(),
    pruner: new NopPruner(),
  });
  await new Promise((r) => setTimeout(r, 2.5 * heartbeat * 1000));
  await study.failStaleTrials();
  const trials = await study.refresh();
  await storage.close();
  await setup.close();

  const numbers = trials.map((t) => t.number).sort((a, b) => a - b);
  assert.deepEqual(numbers, [...Array(trials.length).keys()], 'trial numbers are unique and gap-free');
  assert.equal(new Set(trials.map((t) => t.trialId)).size, trials.length);
  const byNumber = new Map(trials.map((t) => [t.number, t]));
  assert.equal(byNumber.get(killed.trial)?.state, 'fail', 'the killed trial is failed');
  for (const r of runs)
    for (const n of r.done) assert.equal(byNumber.get(n)?.state, 'complete', `completed trial ${n} kept`);
  assert.ok(trials.filter((t) => t.state === 'complete').length >= target, 'the study reached its target');
  assert.equal(trials.filter((t) => t.state === 'running').length, 0, 'no trial left running');
  assert.deepEqual(
    trials.filter((t) => t.state === 'fail').map((t) => t.number),
    [killed.trial],
    'only the killed trial failed',
  );
}
