/**
 * The measurements behind the augmentation notebook's check table, on real TESS and RAVDESS clips: each one
 * reads back from the audio the parameter an augmentation was given, and tells a wrong one apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gain, invertPolarity, timeShift } from '../../lib/augment/basic';
import {
  achievedSnrDb,
  augmentCheck,
  correlation,
  levelChangeDb,
  median,
  onsetShiftSeconds,
  pitchChangeSemitones,
} from '../../lib/augment/measure';
import { addColorNoise } from '../../lib/augment/noise';
import { pitchShift, speedPerturb, timeStretch } from '../../lib/augment/stretch';
import { Rng } from '../../lib/util/rng';
import { realClips } from './helpers';

const clips = realClips();
const tess = clips.find((c) => c.corpus === 'tess')!;
const ravdess = clips.find((c) => c.corpus === 'ravdess')!;

test('achievedSnrDb reads back the SNR of added white, pink and brown noise', () => {
  for (const color of ['white', 'pink', 'brown'] as const)
    for (const snrDb of [0, 10, 25]) {
      const noisy = addColorNoise(ravdess.y, { snrDb, color }, new Rng(4));
      assert.ok(Math.abs(achievedSnrDb(ravdess.y, noisy) - snrDb) < 0.01, `${color} ${snrDb} dB`);
    }
  assert.throws(() => achievedSnrDb(ravdess.y, ravdess.y.subarray(1)), /samples/);
});

test('pitchChangeSemitones measures pitch shift, keeps 0 for time stretch and 12·log2(f) for speed', () => {
  for (const clip of [tess, ravdess]) {
    for (const n of [-3, 2]) {
      const measured = pitchChangeSemitones(clip.y, pitchShift(clip.y, n), clip.sr);
      assert.ok(Math.abs(measured - n) <= 0.2, `${clip.name} shift ${n}: ${measured}`);
    }
    const stretched = pitchChangeSemitones(clip.y, timeStretch(clip.y, 1.25), clip.sr);
    assert.ok(Math.abs(stretched) <= 0.2, `${clip.name} stretch: ${stretched}`);
    const faster = pitchChangeSemitones(clip.y, speedPerturb(clip.y, 1.1), clip.sr);
    assert.ok(Math.abs(faster - 12 * Math.log2(1.1)) <= 0.2, `${clip.name} speed: ${faster}`);
  }
});

test('level, onset and polarity measurements read back gain, time shift and inversion', () => {
  assert.ok(Math.abs(levelChangeDb(tess.y, gain(tess.y, -6)) + 6) < 1e-3);
  const shift = Math.round(0.2 * tess.sr);
  const later = onsetShiftSeconds(tess.y, timeShift(tess.y, shift, { rollover: false }), tess.sr);
  assert.ok(Math.abs(later - 0.2) <= 512 / tess.sr, `onset moved ${later} s`);
  assert.ok(Math.abs(correlation(tess.y, invertPolarity(tess.y)) + 1) < 1e-9);
  assert.ok(Math.abs(correlation(tess.y, gain(tess.y, 3)) - 1) < 1e-6);
});

test('augmentCheck passes within its tolerance only; median skips non-finite values', () => {
  assert.equal(augmentCheck('gain', 'dB', -6, -5.99, 0.05).ok, true);
  assert.equal(augmentCheck('gain', 'dB', -6, -5.5, 0.05).ok, false);
  assert.equal(median([3, NaN, 1, 2]), 2);
  assert.ok(Number.isNaN(median([NaN])));
});
