/**
 * Clip prosody (lib/features/prosody) on real TESS clips: plausible F0 for the corpus's female speakers,
 * speed perturbation moving it by the factor, sad below angry for one speaker, and the `stats-prosody` set
 * laying it out after the `stats-plus` statistics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { speedPerturb } from '../../lib/augment/stretch';
import { loadAudioSync } from '../../lib/audio/load';
import { PROSODY_NAMES, prosodyStats } from '../../lib/features/prosody';
import { extractSet, featureSet, setDims, setFeatureNames } from '../../lib/features/sets';
import { realDataRoot } from '../helpers/data';

const clip = (name: string) =>
  loadAudioSync(path.join(realDataRoot('tess'), 'tess', name), { sampleRate: 22050 }).samples;
const value = (stats: Float32Array, name: string) => stats[PROSODY_NAMES.indexOf(name)];

test('prosody of real TESS clips: female F0, voicing, length; speed 1.1 raises F0 by log2(1.1)', () => {
  const y = clip('YAF_angry/YAF_back_angry.wav');
  const stats = prosodyStats(y, { sr: 22050 });
  assert.equal(stats.length, PROSODY_NAMES.length);
  // Median F0 of an adult female voice: 140–400 Hz.
  const median = 2 ** value(stats, 'f0_p50');
  assert.ok(median > 140 && median < 400, `median F0 ${median} Hz`);
  const voiced = value(stats, 'voiced_fraction');
  assert.ok(voiced > 0.1 && voiced < 0.95, `voiced fraction ${voiced}`);
  assert.equal(value(stats, 'frames'), Math.floor(y.length / 512) + 1);
  const faster = prosodyStats(speedPerturb(y, 1.1), { sr: 22050 });
  const moved = value(faster, 'f0_p50') - value(stats, 'f0_p50');
  assert.ok(
    Math.abs(moved - Math.log2(1.1)) < 0.05,
    `median moved ${moved} octaves, expected ${Math.log2(1.1)}`,
  );
  assert.ok(value(faster, 'frames') < value(stats, 'frames'));
});

test("prosody separates one speaker's sad from angry: lower and flatter F0", () => {
  const words = ['back', 'bar', 'base', 'bath', 'bean'];
  const mean = (emotion: string, name: string) =>
    words
      .map((w) => value(prosodyStats(clip(`OAF_${emotion}/OAF_${w}_${emotion}.wav`), { sr: 22050 }), name))
      .reduce((a, b) => a + b, 0) / words.length;
  assert.ok(mean('sad', 'f0_mean') < mean('angry', 'f0_mean'), 'sad F0 below angry');
  assert.ok(mean('sad', 'f0_range') < mean('angry', 'f0_range'), 'sad F0 range narrower than angry');
});

test('stats-prosody = stats-plus statistics, then the prosody values', () => {
  const y = clip('OAF_happy/OAF_back_happy.wav');
  const audio = { samples: y, sampleRate: 22050 };
  const plus = extractSet(audio, featureSet('stats-plus'));
  const both = extractSet(audio, featureSet('stats-prosody'));
  assert.equal(both.length, setDims(featureSet('stats-prosody')));
  assert.equal(
    setDims(featureSet('stats-prosody')),
    setDims(featureSet('stats-plus')) + PROSODY_NAMES.length,
  );
  assert.deepEqual(both.subarray(0, plus.length), plus);
  assert.deepEqual(both.subarray(plus.length), prosodyStats(y, { sr: 22050 }));
  assert.deepEqual(setFeatureNames(featureSet('stats-prosody')).slice(plus.length), [...PROSODY_NAMES]);
});
