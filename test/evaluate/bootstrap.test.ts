import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, sortedQuantile } from '../../lib/evaluate/bootstrap';
import { accuracyScore, balancedAccuracy } from '../../lib/metrics/classification-report';
import { Rng } from '../../lib/util/rng';

/** n clips of 4 classes, each predicted correctly with probability `pCorrect` (else the next class). */
function simulate(n: number, pCorrect: number, rng: Rng): { yTrue: number[]; yPred: number[] } {
  const yTrue = Array.from({ length: n }, () => rng.int(4));
  const yPred = yTrue.map((y) => (rng.next() < pCorrect ? y : (y + 1) % 4));
  return { yTrue, yPred };
}

test('sortedQuantile is numpy.percentile (linear interpolation)', () => {
  const xs = [1, 2, 4, 8, 16];
  assert.equal(sortedQuantile(xs, 0), 1);
  assert.equal(sortedQuantile(xs, 1), 16);
  assert.equal(sortedQuantile(xs, 0.5), 4);
  assert.equal(sortedQuantile(xs, 0.025), 1.1); // numpy.percentile([1,2,4,8,16], 2.5)
  assert.equal(sortedQuantile(xs, 0.975), 15.2);
});

test('bootstrapInterval contains the estimate, is deterministic per seed and shrinks like 1/√n', () => {
  const { yTrue, yPred } = simulate(200, 0.7, new Rng(1));
  const a = bootstrapInterval(yTrue, yPred, accuracyScore, { seed: 5 });
  assert.equal(a.estimate, accuracyScore(yTrue, yPred));
  assert.ok(a.lower < a.estimate && a.estimate < a.upper, JSON.stringify(a));
  assert.equal(a.nResamples, 1000);
  assert.equal(a.nValid, 1000);
  assert.equal(a.confidence, 0.95);
  assert.equal(a.method, 'percentile');
  // Binomial standard error √(p(1−p)/n) ≈ 0.032: the bootstrap's should be close to it.
  const se = Math.sqrt((a.estimate * (1 - a.estimate)) / 200);
  assert.ok(Math.abs(a.standardError - se) < 0.15 * se, `bootstrap SE ${a.standardError} vs binomial ${se}`);
  assert.deepEqual(bootstrapInterval(yTrue, yPred, accuracyScore, { seed: 5 }), a);
  assert.notDeepEqual(bootstrapInterval(yTrue, yPred, accuracyScore, { seed: 6 }), a);
  const narrow = bootstrapInterval(yTrue, yPred, accuracyScore, { seed: 5, confidence: 0.5 });
  assert.ok(narrow.upper - narrow.lower < (a.upper - a.lower) / 2, '50 % interval narrower than 95 %');

  const big = simulate(3200, 0.7, new Rng(2));
  const b = bootstrapInterval(big.yTrue, big.yPred, accuracyScore, { seed: 5 });
  const ratio = (a.upper - a.lower) / (b.upper - b.lower);
  assert.ok(ratio > 3 && ratio < 5.5, `16× the clips: width ratio ${ratio} should be about 4`);
});

test('bootstrapInterval: 95 % intervals cover the true accuracy in about 95 % of simulated test sets', () => {
  const rng = new Rng(11);
  const trials = 200;
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const { yTrue, yPred } = simulate(150, 0.7, rng);
    const ci = bootstrapInterval(yTrue, yPred, accuracyScore, { nResamples: 400, seed: t });
    if (ci.lower <= 0.7 && 0.7 <= ci.upper) covered++;
  }
  // Binomial(200, 0.95) lies in [180, 198] with probability > 0.999; the percentile method undercovers a little.
  assert.ok(covered >= 180 && covered <= 198, `coverage ${covered}/${trials}`);
});

test('cluster bootstrap by speaker: wider than the clip bootstrap when speakers differ; needs 2+ speakers', () => {
  const rng = new Rng(3);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const speakers: string[] = [];
  for (let s = 0; s < 10; s++) {
    const { yTrue: t, yPred: p } = simulate(100, 0.3 + 0.06 * s, rng);
    yTrue.push(...t);
    yPred.push(...p);
    speakers.push(...t.map(() => `c/spk${s}`));
  }
  const clips = bootstrapInterval(yTrue, yPred, balancedAccuracy, { seed: 1 });
  const bySpeaker = bootstrapInterval(yTrue, yPred, balancedAccuracy, { seed: 1, groups: speakers });
  assert.equal(bySpeaker.method, 'cluster-percentile');
  assert.equal(bySpeaker.estimate, clips.estimate);
  assert.ok(bySpeaker.lower <= bySpeaker.estimate && bySpeaker.estimate <= bySpeaker.upper);
  assert.ok(
    bySpeaker.upper - bySpeaker.lower > 1.5 * (clips.upper - clips.lower),
    `speaker-level spread: cluster width ${bySpeaker.upper - bySpeaker.lower} vs clip width ${clips.upper - clips.lower}`,
  );
  assert.throws(
    () => bootstrapInterval([0, 1], [0, 1], accuracyScore, { groups: ['a', 'a'] }),
    /at least 2 groups/,
  );
  assert.throws(() => bootstrapInterval([0], [0], accuracyScore, { confidence: 95 }), /confidence/);
  assert.throws(() => bootstrapInterval([], [], accuracyScore), /empty/);
});
