import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createStudy,
  defaultGamma,
  defaultWeights,
  GridSampler,
  HyperbandPruner,
  InMemoryStorage,
  MedianPruner,
  NopPruner,
  OPTUNA31_TPE,
  RandomSampler,
  SuccessiveHalvingPruner,
  TpeSampler,
  TrialPruned,
  type Sampler,
  type Trial,
} from '../../lib/tune';

const quadratic = (t: Trial) => {
  const x = t.suggestFloat('x', -10, 10);
  const y = t.suggestInt('y', -8, 8);
  const c = t.suggestCategorical('c', ['good', 'bad', 'worse']);
  return (x - 2) ** 2 + (y - 3) ** 2 + (c === 'good' ? 0 : c === 'bad' ? 5 : 10);
};

async function bestAfter(sampler: Sampler, n: number): Promise<number> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  await study.optimize(quadratic, { nTrials: n });
  return study.bestValue;
}

test('Optuna 3.1 defaults: gamma(n) = min(ceil(0.1 n), 25); flat weights below 25, then a ramp from 1/n', () => {
  assert.deepEqual([0, 1, 10, 11, 100, 250, 1000].map(defaultGamma), [0, 1, 1, 2, 10, 25, 25]);
  assert.deepEqual(defaultWeights(3), [1, 1, 1]);
  const w = defaultWeights(30);
  assert.equal(w.length, 30);
  assert.equal(w[0], 1 / 30);
  assert.ok(w.slice(0, 5).every((v, i) => i === 0 || v > w[i - 1]));
  assert.ok(w.slice(5).every((v) => v === 1));
});

test('study API: suggest types and bounds, repeated names, user attrs, states, best trial, DataFrame', async () => {
  const study = await createStudy({
    name: 'api',
    sampler: new RandomSampler({ seed: 7 }),
    direction: 'maximize',
  });
  await study.optimize(
    (t) => {
      const lr = t.suggestFloat('lr', 1e-5, 1e-1, { log: true });
      const units = t.suggestInt('units', 16, 256, { step: 16 });
      const drop = t.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
      assert.equal(t.suggestFloat('lr', 1e-5, 1e-1, { log: true }), lr);
      assert.ok(lr >= 1e-5 && lr <= 1e-1);
      assert.equal(units % 16, 0);
      assert.ok(Math.abs(drop * 10 - Math.round(drop * 10)) < 1e-9 && drop <= 0.5);
      t.setUserAttr('units_x2', units * 2);
      if (t.number === 3) throw new TrialPruned();
      return units;
    },
    { nTrials: 8 },
  );
  assert.equal(study.trials.length, 8);
  assert.equal(study.trials[3].state, 'pruned');
  assert.equal(
    study.bestValue,
    Math.max(...study.trials.filter((t) => t.state === 'complete').map((t) => t.value!)),
  );
  const df = await study.trialsDataFrame();
  assert.deepEqual(df.shape, [8, 10]);
  assert.ok(df.columns.includes('params_lr') && df.columns.includes('user_attrs_units_x2'));
  await assert.rejects(
    study.optimize(
      () => {
        throw new Error('boom');
      },
      { nTrials: 3 },
    ),
    /boom/,
  );
  assert.equal(study.trials.at(-1)!.state, 'fail');
  await study.optimize(
    () => {
      throw new RangeError('bad config');
    },
    { nTrials: 2, catch: [RangeError] },
  );
  assert.deepEqual(
    study.trials.slice(-2).map((t) => t.state),
    ['fail', 'fail'],
  );
  await study.optimize(() => Number.NaN, { nTrials: 1 });
  assert.equal(study.trials.at(-1)!.state, 'fail');
});

test('samplers are reproducible for a seed and differ across seeds', async () => {
  for (const make of [
    (s: number) => new RandomSampler({ seed: s }),
    (s: number) => new TpeSampler({ seed: s }),
    (s: number) => new TpeSampler({ ...OPTUNA31_TPE, seed: s }),
    (s: number) => new TpeSampler({ ...OPTUNA31_TPE, multivariate: true, seed: s }),
    (s: number) =>
      new TpeSampler({ seed: s, bandwidth: 'optuna', normalisedKernels: true, magicClipExponent: 2 }),
    (s: number) => new TpeSampler({ seed: s, bandwidth: 'gaps', minBandwidthFactor: 0.03 }),
  ]) {
    const run = async (seed: number) => {
      const study = await createStudy({ sampler: make(seed) });
      await study.optimize(quadratic, { nTrials: 15 });
      return study.trials.map((t) => t.params);
    };
    assert.deepEqual(await run(1), await run(1));
    assert.notDeepEqual(await run(1), await run(2));
  }
});

test("TPE (ours, and Optuna 3.1's independent and multivariate) beats random search on a mixed quadratic", async () => {
  const seeds = [0, 1, 2, 3, 4];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
  const medianBest = async (make: (seed: number) => Sampler) =>
    median(await Promise.all(seeds.map((s) => bestAfter(make(s), 60))));
  const random = await medianBest((seed) => new RandomSampler({ seed }));
  const tpe = await medianBest((seed) => new TpeSampler({ seed }));
  const optuna31 = await medianBest((seed) => new TpeSampler({ ...OPTUNA31_TPE, seed }));
  const optuna31mv = await medianBest(
    (seed) => new TpeSampler({ ...OPTUNA31_TPE, multivariate: true, seed }),
  );
  assert.ok(tpe < random, `tpe ${tpe} vs random ${random}`);
  assert.ok(optuna31 < random, `optuna31 ${optuna31} vs random ${random}`);
  assert.ok(optuna31mv < random, `optuna31 multivariate ${optuna31mv} vs random ${random}`);
  assert.ok(tpe < 1.5, `tpe best ${tpe}`);
});

test('grid sampler visits every cell once, then stops', async () => {
  const sampler = new GridSampler({ a: [1, 2, 3], b: ['x', 'y'] }, { seed: 0 });
  const study = await createStudy({ sampler });
  await study.optimize(
    (t) => t.suggestInt('a', 1, 3) + (t.suggestCategorical('b', ['x', 'y']) === 'x' ? 0 : 10),
    { nTrials: 100 },
  );
  assert.equal(study.trials.length, 6);
  const cells = study.trials.map((t) => `${t.params.a}${t.params.b}`).sort();
  assert.deepEqual(cells, ['1x', '1y', '2x', '2y', '3x', '3y']);
});

/** Learning curves: trial i converges to i at rate 0.5 per step; the pruner sees its mean so far. */
const curves = async (trial: Trial) => {
  const level = trial.suggestFloat('level', 0, 10);
  for (let step = 0; step < 27; step++) {
    trial.report(level + 10 / (step + 1), step);
    if (await trial.shouldPrune()) throw new TrialPruned();
  }
  return level;
};

test('median pruner stops trials worse than the median at the same step, after its startup trials', async () => {
  const study = await createStudy({
    sampler: new RandomSampler({ seed: 5 }),
    pruner: new MedianPruner({ nStartupTrials: 5 }),
  });
  await study.optimize(curves, { nTrials: 30 });
  const pruned = study.trials.filter((t) => t.state === 'pruned');
  assert.ok(study.trials.slice(0, 5).every((t) => t.state === 'complete'));
  assert.ok(pruned.length >= 8, `${pruned.length} pruned`);
  const medianLevel = [...study.trials.slice(0, 5).map((t) => t.params.level as number)].sort(
    (a, b) => a - b,
  )[2];
  // A pruned trial's value is its last intermediate value; the complete ones are the better levels.
  for (const t of pruned)
    assert.equal(t.value, t.intermediateValues[Math.max(...Object.keys(t.intermediateValues).map(Number))]);
  assert.ok(study.bestValue <= medianLevel);
});

test('successive halving and Hyperband prune at their rungs and record rung values', async () => {
  const sh = await createStudy({
    sampler: new RandomSampler({ seed: 9 }),
    pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
  });
  await sh.optimize(curves, { nTrials: 30 });
  const prunedSteps = sh.trials
    .filter((t) => t.state === 'pruned')
    .map((t) => Math.max(...Object.keys(t.intermediateValues).map(Number)));
  assert.ok(prunedSteps.length >= 10, `${prunedSteps.length} pruned`);
  assert.ok(
    prunedSteps.every((s) => [1, 3, 9].includes(s)),
    `pruned at ${prunedSteps}`,
  );
  assert.ok(
    sh.trials.every((t) => typeof t.systemAttrs.completed_rung_0 === 'number' || t.state === 'pruned'),
  );

  const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
  const hb = await createStudy({ name: 'hb', sampler: new RandomSampler({ seed: 9 }), pruner });
  await hb.optimize(curves, { nTrials: 40 });
  assert.equal(pruner.nBrackets, 4);
  const brackets = new Set(hb.trials.map((t) => pruner.bracketOf('hb', t.number)));
  assert.ok(brackets.size >= 3, `brackets used: ${[...brackets]}`);
  assert.ok(hb.trials.some((t) => t.state === 'pruned') && hb.trials.some((t) => t.state === 'complete'));
});

test('concurrent trials in one process get unique numbers and all finish', async () => {
  const study = await createStudy({ sampler: new TpeSampler({ seed: 3, nStartupTrials: 4 }) });
  let inFlight = 0;
  let maxInFlight = 0;
  await study.optimize(
    async (t) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const x = t.suggestFloat('x', -1, 1);
      await new Promise((r) => setTimeout(r, 3));
      inFlight--;
      return x * x;
    },
    { nTrials: 20, concurrency: 4 },
  );
  assert.equal(maxInFlight, 4);
  assert.deepEqual(
    study.trials.map((t) => t.number),
    [...Array(20).keys()],
  );
  assert.ok(study.trials.every((t) => t.state === 'complete'));
});

test('heartbeats: a trial silent past the grace period is failed, and its late tell keeps that verdict', async () => {
  const storage = new InMemoryStorage({ heartbeatInterval: 0.05 });
  const study = await createStudy({ storage, sampler: new RandomSampler({ seed: 1 }) });
  const alive = await study.ask();
  const silent = await study.ask();
  silent.suggestFloat('x', 0, 1);
  // Block the event loop past the grace period (2 × 0.05 s): nobody's heartbeat gets out.
  const until = Date.now() + 200;
  while (Date.now() < until);
  await storage.recordHeartbeat(alive.snapshot.trialId);
  assert.deepEqual(await study.failStaleTrials(), [silent.number]);
  silent.report(1, 0);
  assert.equal((await study.tell(silent, { state: 'complete', value: 1 })).state, 'fail');
  assert.equal((await study.tell(alive, { state: 'complete', value: 2 })).state, 'complete');
});

test('enqueueTrial: the next trial takes the given parameters (others sampled); a value outside its distribution fails the trial', async () => {
  const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
  study.enqueueTrial({ x: 0.25, c: 'b' });
  study.enqueueTrial({ x: 7 });
  const seen: Record<string, unknown>[] = [];
  await study.optimize(
    (t) => {
      const x = t.suggestFloat('x', 0, 1);
      const c = t.suggestCategorical('c', ['a', 'b']);
      const n = t.suggestInt('n', 1, 9);
      seen.push({ x, c, n });
      return x;
    },
    { nTrials: 3, catch: [RangeError] },
  );
  assert.deepEqual(
    study.trials.map((t) => t.state),
    ['complete', 'fail', 'complete'],
  );
  assert.equal(seen[0].x, 0.25);
  assert.equal(seen[0].c, 'b');
  assert.equal(typeof seen[0].n, 'number');
  assert.match(String(study.trials[1].userAttrs.fail_reason), /outside its distribution/);
  assert.deepEqual(study.trials[0].systemAttrs.fixed_params, { x: 0.25, c: 'b' });
});

test('a trial failed as stale by a peer ends that trial, not the worker: optimize goes on', async () => {
  const storage = new InMemoryStorage({ heartbeatInterval: 0.05 });
  const study = await createStudy({ name: 's', storage, sampler: new RandomSampler({ seed: 1 }) });
  const peer = await createStudy({ name: 's', storage, loadIfExists: true });
  await study.optimize(
    async (t) => {
      const x = t.suggestFloat('x', 0, 1);
      if (t.number === 0) {
        const until = Date.now() + 200;
        while (Date.now() < until); // silent past the grace period: the peer fails the trial
        assert.deepEqual(await peer.failStaleTrials(), [0]);
        t.report(x, 1);
        await t.shouldPrune(); // the write is refused: the trial is no longer running
      }
      return x;
    },
    { nTrials: 2 },
  );
  assert.deepEqual(
    study.trials.map((t) => t.state),
    ['fail', 'complete'],
  );
});
