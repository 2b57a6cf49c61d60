/**
 * Every transform is deterministic for a seed, never returns NaN, and never returns samples beyond ±1
 * without saying so; the synthetic room has the RT60 it was asked for; shift, gain, polarity, SpecAugment
 * and mixup do exactly what they claim; recipes are checked and run as Compose/OneOf pipelines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gain, invertPolarity, timeShift } from '../../lib/augment/basic';
import {
  applyRecipe,
  parseRecipe,
  recipeHash,
  type Recipe,
  type TransformSpec,
} from '../../lib/augment/compose';
import { energyDecayDb, measureRt60, simulateRoom, syntheticImpulseResponse } from '../../lib/augment/room';
import { betaVariate, mixup, specAugment } from '../../lib/augment/spec';
import { UserError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/rng';
import { realClips } from './helpers';

const clips = realClips();
const tess = clips[0];
const ravdess = clips.find((c) => c.corpus === 'ravdess') ?? clips[4];

const EVERY_TRANSFORM: TransformSpec[] = [
  { name: 'addNoise', p: 1, color: ['white', 'pink', 'brown'], minSnrDb: 0, maxSnrDb: 20 },
  { name: 'pitchShift', p: 1, minSemitones: -4, maxSemitones: 4 },
  { name: 'timeStretch', p: 1 },
  { name: 'timeStretch', p: 1, leaveLengthUnchanged: false },
  { name: 'speed', p: 1 },
  { name: 'shift', p: 1 },
  { name: 'shift', p: 1, rollover: false },
  { name: 'gain', p: 1, minGainDb: 6, maxGainDb: 24 },
  { name: 'polarity', p: 1 },
  { name: 'room', p: 1 },
];

test('every transform: same seed, same output; no NaN; beyond ±1 only when reported', () => {
  for (const spec of EVERY_TRANSFORM)
    for (const clip of [tess, ravdess])
      for (const outOfRange of ['peak-normalize', 'clip', 'keep'] as const) {
        const recipe: Recipe = { version: 1, transforms: [spec], outOfRange };
        const input = clip.y.slice();
        const a = applyRecipe(recipe, clip.y, clip.sr, new Rng(42));
        const b = applyRecipe(recipe, clip.y, clip.sr, new Rng(42));
        assert.deepEqual(a.audio, b.audio, `${spec.name} is not deterministic`);
        assert.deepEqual(a.steps, b.steps);
        assert.deepEqual(clip.y, input, `${spec.name} modified its input`);
        assert.equal(a.steps.length, 1);
        assert.ok(a.audio.every(Number.isFinite), `${spec.name} returned a non-finite sample`);
        const beyond = a.audio.filter((v) => Math.abs(v) > 1).length;
        if (beyond > 0)
          assert.ok(outOfRange === 'keep' && a.range.action === 'keep' && a.range.outOfRange === beyond);
        if (a.range.outOfRange > 0) assert.notEqual(a.range.action, 'none');
        else assert.equal(a.range.action, 'none');
      }
  // +24 dB of gain on a real clip does go beyond ±1, and each policy handles and reports it.
  const loud: Recipe = { version: 1, transforms: [{ name: 'gain', p: 1, minGainDb: 24, maxGainDb: 24 }] };
  const normalized = applyRecipe(loud, tess.y, tess.sr, new Rng(1));
  assert.equal(normalized.range.action, 'peak-normalize');
  assert.ok(normalized.range.maxAbs > 1);
  assert.ok(Math.abs(Math.max(...normalized.audio.map(Math.abs)) - 1) < 1e-6);
  const kept = applyRecipe({ ...loud, outOfRange: 'keep' }, tess.y, tess.sr, new Rng(1));
  assert.ok(kept.range.outOfRange > 0 && kept.range.action === 'keep');
});

test('different seeds give different augmentations; p and OneOf are honoured', () => {
  const recipe: Recipe = {
    version: 1,
    transforms: [
      { name: 'oneOf', transforms: [{ name: 'gain' }, { name: 'polarity' }, { name: 'shift' }] },
      { name: 'addNoise', p: 0 },
    ],
  };
  const seen = new Set<string>();
  let ran = 0;
  for (let seed = 0; seed < 200; seed++) {
    const r = applyRecipe(recipe, tess.y, tess.sr, new Rng(seed));
    assert.ok(r.steps.length === 1, 'OneOf runs exactly one step and addNoise with p=0 never runs');
    seen.add(r.steps[0].name);
    ran++;
  }
  assert.deepEqual([...seen].sort(), ['gain', 'polarity', 'shift']);
  assert.equal(ran, 200);
  // Default p 0.5: about half the clips get the step.
  let applied = 0;
  for (let seed = 0; seed < 400; seed++)
    applied += applyRecipe({ version: 1, transforms: [{ name: 'polarity' }] }, tess.y, tess.sr, new Rng(seed))
      .steps.length;
  assert.ok(applied > 160 && applied < 240, `${applied} of 400`);
});

test('the synthetic room has the requested RT60 (Schroeder T20, ±10 %) and keeps length and level', () => {
  for (const rt60 of [0.2, 0.5, 1.0]) {
    const h = syntheticImpulseResponse(16000, { rt60 }, new Rng(3));
    const measured = measureRt60(h, 16000);
    assert.ok(Math.abs(measured / rt60 - 1) <= 0.1, `RT60 ${rt60}: measured ${measured.toFixed(3)}`);
    assert.ok(Math.abs(h.reduce((s, v) => s + v * v, 0) - 1) < 1e-5, 'unit energy');
    // The decay curve starts at 0 dB, never rises, and passes -30 dB about half an RT60 after the direct sound.
    const decay = energyDecayDb(h);
    assert.equal(decay[0], 0);
    assert.ok(decay.every((d, i) => i === 0 || d <= decay[i - 1] + 1e-9));
    const half = decay[Math.round((rt60 / 2) * 16000)];
    assert.ok(half < -25 && half > -35, `RT60 ${rt60}: ${half.toFixed(1)} dB at RT60 / 2`);
  }
  const wet = simulateRoom(tess.y, tess.sr, { rt60: 0.5 }, new Rng(4));
  assert.equal(wet.length, tess.y.length);
  const rms = (y: Float32Array) => Math.sqrt(y.reduce((s, v) => s + v * v, 0) / y.length);
  const ratioDb = 20 * Math.log10(rms(wet) / rms(tess.y));
  assert.ok(Math.abs(ratioDb) < 3, `level change ${ratioDb.toFixed(2)} dB`);
});

test('time shift rolls or pads, gain scales by dB, polarity flips', () => {
  const y = Float32Array.from([1, 2, 3, 4, 5].map((v) => v / 10));
  assert.deepEqual([...timeShift(y, 2)], [...Float32Array.from([0.4, 0.5, 0.1, 0.2, 0.3])]);
  assert.deepEqual([...timeShift(y, -1)], [...Float32Array.from([0.2, 0.3, 0.4, 0.5, 0.1])]);
  assert.deepEqual([...timeShift(y, 2, { rollover: false })], [...Float32Array.from([0, 0, 0.1, 0.2, 0.3])]);
  assert.deepEqual([...timeShift(y, -7, { rollover: false })], [0, 0, 0, 0, 0]);
  const g = gain(tess.y, -6);
  for (let i = 0; i < 1000; i++) assert.ok(Math.abs(g[i] - tess.y[i] * 10 ** (-6 / 20)) < 1e-7);
  assert.deepEqual(invertPolarity(invertPolarity(tess.y)), tess.y);
  assert.throws(() => timeShift(y, 0.5), UserError);
  assert.throws(() => gain(Float32Array.from([NaN]), 1), /NaN/);
});

test('SpecAugment masks the drawn bands and runs only; mixup mixes inputs and labels with one λ', () => {
  const rows = 40;
  const cols = 120;
  const m = { rows, cols, data: Float32Array.from({ length: rows * cols }, (_, i) => 1 + (i % 7)) };
  const { matrix, masks } = specAugment(
    m,
    { freqMaskParam: 10, timeMaskParam: 30, maskValue: 0 },
    new Rng(9),
  );
  assert.equal(masks.rows.length, 2);
  assert.equal(masks.frames.length, 2);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const masked =
        masks.rows.some(([a, b]) => r >= a && r < b) || masks.frames.some(([a, b]) => c >= a && c < b);
      assert.equal(matrix.data[r * cols + c], masked ? 0 : m.data[r * cols + c]);
    }
  for (const [a, b] of masks.rows) assert.ok(b - a <= 10 && a >= 0 && b <= rows);
  for (const [a, b] of masks.frames) assert.ok(b - a <= 30 && a >= 0 && b <= cols);
  const again = specAugment(m, { freqMaskParam: 10, timeMaskParam: 30 }, new Rng(9));
  assert.deepEqual(again.masks, masks);

  const batch = {
    inputs: [0, 1, 2, 3].map((k) => Float32Array.from({ length: 5 }, (_, i) => k * 10 + i)),
    labels: [0, 1, 2, 3].map((k) => Float32Array.from({ length: 4 }, (_, i) => (i === k ? 1 : 0))),
  };
  const { batch: mixed, lambda, permutation } = mixup(batch, new Rng(5), 0.4);
  assert.ok(lambda >= 0 && lambda <= 1);
  mixed.inputs.forEach((x, i) =>
    x.forEach((v, j) =>
      assert.ok(
        Math.abs(v - (lambda * batch.inputs[i][j] + (1 - lambda) * batch.inputs[permutation[i]][j])) < 1e-4,
      ),
    ),
  );
  for (const l of mixed.labels) assert.ok(Math.abs(l.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  // Beta(α, α) has mean 1/2 and variance 1 / (4(2α + 1)).
  const rng = new Rng(8);
  const draws = Array.from({ length: 20000 }, () => betaVariate(0.2, 0.2, rng));
  const mean = draws.reduce((s, v) => s + v) / draws.length;
  const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / (4 * 1.4)) < 0.01, `variance ${variance}`);
});

test('recipes: unknown transforms, options and bad values are one-line errors naming the path', () => {
  const ok = parseRecipe({
    version: 1,
    copies: 2,
    transforms: [
      { name: 'pitchShift', p: 0.5 },
      { name: 'oneOf', transforms: [{ name: 'gain' }, { name: 'room' }] },
    ],
  });
  assert.equal(recipeHash(ok), recipeHash(JSON.parse(JSON.stringify({ copies: 2, ...ok }))));
  for (const [bad, message] of [
    [{ version: 1, transforms: [{ name: 'echo' }] }, /transforms\[0\]: unknown transform "echo"/],
    [
      { version: 1, transforms: [{ name: 'gain', minGain: 1 }] },
      /transforms\[0\]\.minGain: not an option of gain/,
    ],
    [{ version: 1, transforms: [{ name: 'gain', p: 2 }] }, /transforms\[0\]\.p: must be in \[0, 1\]/],
    [
      { version: 1, transforms: [{ name: 'oneOf', transforms: [{ name: 'addNoise', color: 'blue' }] }] },
      /transforms\[0\]\.transforms\[0\]\.color/,
    ],
    [{ version: 2, transforms: [] }, /version/],
    [{ version: 1, transforms: [{ name: 'backgroundNoise' }] }, /needs "dir"/],
  ] as const)
    assert.throws(
      () => parseRecipe(bad),
      (e: Error) => e instanceof UserError && message.test(e.message),
    );
  assert.throws(
    () =>
      applyRecipe(
        { version: 1, transforms: [{ name: 'gain', p: 1, minGainDb: 5, maxGainDb: 1 }] },
        tess.y,
        tess.sr,
        new Rng(1),
      ),
    /exceeds/,
  );
});
