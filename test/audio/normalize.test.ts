import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  AudioError,
  clipReport,
  fixLength,
  loadAudioSync,
  peakNormalise,
  readAudioFileSync,
  rmsDb,
  rmsNormalise,
} from '../../lib/audio';
import { Rng } from '../../lib/util/rng';
import { dataRoot } from './golden';

function noise(length: number, scale: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length }, () => scale * rng.normal());
}

function maxAbs(x: Float32Array): number {
  return x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

test('peakNormalise scales the largest |sample| to the peak and keeps the shape', () => {
  const x = noise(5000, 0.1, 1);
  for (const peak of [1, 0.5, 3]) {
    const y = peakNormalise(x, { peak });
    assert.ok(Math.abs(maxAbs(y) - peak) <= 1e-6 * peak, `peak ${peak}`);
    const gain = y[10] / x[10];
    for (let i = 0; i < x.length; i += 97) assert.ok(Math.abs(y[i] - gain * x[i]) <= 1e-6 * peak);
  }
  assert.equal(maxAbs(peakNormalise(x)), 1, 'the peak sample lands exactly on 1');
  const silent = new Float32Array(8);
  const out = peakNormalise(silent);
  assert.deepEqual(out, silent);
  assert.notEqual(out, silent, 'always a new array');
  assert.throws(() => peakNormalise(x, { peak: 0 }), AudioError);
  assert.throws(() => peakNormalise(Float32Array.of(0.5, NaN)), /NaN or infinite/);
});

test('rmsNormalise reaches the target level in dBFS', () => {
  const x = noise(20000, 0.01, 2);
  for (const targetDb of [-20, -30, -3]) {
    const y = rmsNormalise(x, { targetDb });
    assert.ok(Math.abs(rmsDb(y) - targetDb) < 1e-4, `${targetDb} dB: got ${rmsDb(y)}`);
  }
  assert.ok(Math.abs(rmsDb(rmsNormalise(x)) + 20) < 1e-4, 'default -20 dBFS');
  // A full-scale square wave has an RMS of exactly 1, i.e. 0 dBFS.
  assert.equal(rmsDb(Float32Array.of(1, -1, 1, -1)), 0);
  assert.equal(rmsDb(new Float32Array(4)), -Infinity);
  assert.deepEqual(rmsNormalise(new Float32Array(4)), new Float32Array(4));
  assert.throws(() => rmsNormalise(x, { targetDb: Infinity }), AudioError);
});

test('fixLength pads and crops like librosa.util.fix_length by default, and centred on request', () => {
  const x = Float32Array.of(1, 2, 3, 4, 5);
  assert.deepEqual(Array.from(fixLength(x, 8)), [1, 2, 3, 4, 5, 0, 0, 0]);
  assert.deepEqual(Array.from(fixLength(x, 3)), [1, 2, 3]);
  assert.deepEqual(Array.from(fixLength(x, 8, { mode: 'center' })), [0, 1, 2, 3, 4, 5, 0, 0]);
  assert.deepEqual(Array.from(fixLength(x, 2, { mode: 'center' })), [2, 3]);
  assert.deepEqual(Array.from(fixLength(x, 2, { cropMode: 'end' })), [4, 5]);
  assert.deepEqual(Array.from(fixLength(x, 3, { cropMode: 'center' })), [2, 3, 4]);
  assert.deepEqual(Array.from(fixLength(x, 7, { padValue: -1 })), [1, 2, 3, 4, 5, -1, -1]);
  assert.equal(fixLength(x, 0).length, 0);
  const same = fixLength(x, 5);
  assert.deepEqual(same, x);
  assert.notEqual(same, x, 'always a new array');
  assert.throws(() => fixLength(x, -1), AudioError);
  assert.throws(() => fixLength(x, 2.5), /integer/);
  assert.throws(() => fixLength(x, 4, { cropMode: 'middle' as 'center' }), /cropMode/);
});

test('clipReport counts samples beyond ±1, the peak and non-finite values', () => {
  assert.deepEqual(clipReport(Float32Array.of(0.5, -1, 1.25, -2, NaN, Infinity)), {
    outOfRange: 2,
    maxAbs: 2,
    nonFinite: 2,
  });
  assert.deepEqual(clipReport(new Float32Array(0)), { outOfRange: 0, maxAbs: 0, nonFinite: 0 });
});

test('TESS YAF_beg_sad (float32 beyond ±1) is reported, and normalised only when asked', () => {
  const file = path.join(dataRoot, 'tess/YAF_sad/YAF_beg_sad.wav');
  const decoded = readAudioFileSync(file).channels[0];
  const native = clipReport(decoded);
  assert.ok(native.outOfRange > 0 && native.maxAbs > 2, JSON.stringify(native));

  const asIs = loadAudioSync(file, { sampleRate: null });
  assert.deepEqual(asIs.clipping, native);
  assert.deepEqual(asIs.samples, decoded, 'default keeps the samples, as librosa does');

  const fixed = loadAudioSync(file, { sampleRate: null, normaliseOutOfRange: true });
  assert.deepEqual(fixed.clipping, native, 'the report describes the signal before normalising');
  assert.equal(maxAbs(fixed.samples), 1);
  assert.equal(clipReport(fixed.samples).outOfRange, 0);
  const gain = 1 / native.maxAbs;
  for (let i = 0; i < decoded.length; i += 101)
    assert.ok(Math.abs(fixed.samples[i] - gain * decoded[i]) < 1e-6);

  // Resampling keeps it out of range, and the option applies after resampling.
  const at16k = loadAudioSync(file, { sampleRate: 16000, normaliseOutOfRange: true });
  assert.ok(at16k.clipping.outOfRange > 0);
  assert.equal(maxAbs(at16k.samples), 1);
});

test('an in-range file is bit-identical with or without normaliseOutOfRange', () => {
  const file = path.join(dataRoot, 'tess/OAF_angry/OAF_bar_angry.wav');
  const plain = loadAudioSync(file, { sampleRate: 16000 });
  assert.deepEqual(plain.clipping.outOfRange, 0);
  assert.deepEqual(
    loadAudioSync(file, { sampleRate: 16000, normaliseOutOfRange: true }).samples,
    plain.samples,
  );
});
