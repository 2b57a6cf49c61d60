import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareEvaluations, formatComparison } from '../../lib/evaluate/compare';
import { mcnemar } from '../../lib/evaluate/mcnemar';
import { simulatedReport } from './fixtures';

test('compareEvaluations: same clips → metrics as each report, McNemar on the discordant clips, paired difference', () => {
  const good = simulatedReport(0.8, { modelSeed: 3, model: 'good' });
  const poor = simulatedReport(0.4, { modelSeed: 4, model: 'poor' });
  const c = compareEvaluations(good, poor, { bootstrap: { nResamples: 300 } });
  assert.equal(c.n, 120);
  assert.deepEqual(c.leftOut, [0, 0]);
  assert.equal(c.protocol, good.protocol.description);
  assert.deepEqual(c.models[0].metrics, good.metrics);
  assert.deepEqual(c.models[1].metrics, poor.metrics);
  const right = (r: typeof good) => (r.predictions ?? []).map((p) => p.predicted === p.trueLabel);
  assert.deepEqual(c.mcnemar, mcnemar(right(good), right(poor)));
  assert.ok(c.mcnemar.pValue < 1e-4, `0.8 vs 0.4 on 120 clips: p = ${c.mcnemar.pValue}`);
  assert.ok(
    Math.abs(c.accuracyDifference.estimate - (good.metrics.accuracy - poor.metrics.accuracy)) < 1e-12,
  );
  assert.ok(c.accuracyDifference.lower > 0, 'the paired interval excludes 0');

  // Two models of equal skill: no significant difference, and the interval straddles 0.
  const twin = compareEvaluations(
    simulatedReport(0.6, { modelSeed: 5 }),
    simulatedReport(0.6, { modelSeed: 6 }),
  );
  assert.ok(twin.mcnemar.pValue > 0.05, `p = ${twin.mcnemar.pValue}`);
  assert.ok(twin.accuracyDifference.lower < 0 && twin.accuracyDifference.upper > 0);
  assert.deepEqual(
    twin.models.map((m) => m.name),
    ['A', 'B'],
  );

  const text = formatComparison(c);
  assert.match(
    text.split('\n')[0],
    /^speaker-independent \(tess: train OAF → test YAF\) — 120 clips compared$/,
  );
  assert.match(
    text,
    /McNemar \(χ² with continuity correction\): only good right \d+, only poor right \d+, p = /,
  );
});

test('compareEvaluations: matches clips by id, refuses disagreeing truth, missing predictions or labels', () => {
  const a = simulatedReport(0.7, { modelSeed: 3 });
  const b = simulatedReport(0.7, { modelSeed: 4 });
  const bShort = { ...b, predictions: [...(b.predictions ?? [])].reverse().slice(0, 100) };
  const c = compareEvaluations(a, bShort);
  assert.equal(c.n, 100);
  assert.deepEqual(c.leftOut, [20, 0]);
  const flipped = {
    ...b,
    predictions: (b.predictions ?? []).map((p, i) => (i === 7 ? { ...p, trueLabel: 'x' } : p)),
  };
  assert.throws(() => compareEvaluations(a, flipped), /clip clip-7 is/);
  assert.throws(() => compareEvaluations(a, { ...b, predictions: undefined }), /per-clip predictions/);
  assert.throws(() => compareEvaluations(a, { ...b, labels: ['a', 'b'] }), /different labels/);
  assert.throws(
    () =>
      compareEvaluations(a, {
        ...b,
        predictions: (b.predictions ?? []).map((p) => ({ ...p, id: `other-${p.id}` })),
      }),
    /share no clip/,
  );
});
