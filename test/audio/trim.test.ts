import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AudioError, frameRms, readAudioFileSync, toMono, trim } from '../../lib/audio';
import { repoRoot } from '../helpers/data';
import { dataRoot } from './golden';

interface TrimGolden {
  path: string;
  sampleRate: number;
  length: number;
  topDb: number;
  frameLength: number;
  hopLength: number;
  start: number;
  end: number;
  rmsFrames: number;
  rmsMax: number;
  rmsSum: number;
}

const trimGolden: { cases: TrimGolden[] } = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'audio', 'trim-golden.json'), 'utf8'),
);

test('trim matches the numpy reimplementation of librosa.effects.trim on real TESS clips', () => {
  const signals = new Map<string, Float32Array>();
  for (const g of trimGolden.cases) {
    let signal = signals.get(g.path);
    if (!signal) {
      const decoded = readAudioFileSync(path.join(dataRoot, g.path));
      assert.equal(decoded.sampleRate, g.sampleRate, g.path);
      signal = toMono(decoded.channels);
      signals.set(g.path, signal);
    }
    assert.equal(signal.length, g.length, g.path);
    const label = `${g.path} topDb=${g.topDb} frame=${g.frameLength} hop=${g.hopLength}`;
    const rms = frameRms(signal, g.frameLength, g.hopLength);
    assert.equal(rms.length, g.rmsFrames, `${label}: frame count`);
    assert.ok(Math.abs(Math.max(...rms) - g.rmsMax) <= 1e-6 * g.rmsMax, `${label}: max rms`);
    const rmsSum = rms.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(rmsSum - g.rmsSum) <= 1e-6 * g.rmsSum, `${label}: rms sum ${rmsSum} vs ${g.rmsSum}`);
    const { start, end, samples } = trim(signal, {
      topDb: g.topDb,
      frameLength: g.frameLength,
      hopLength: g.hopLength,
    });
    assert.deepEqual([start, end], [g.start, g.end], label);
    assert.equal(samples.length, end - start);
    assert.equal(samples[0], signal[start]);
  }
});

/** `seconds` of zeros, then a 440 Hz sine of amplitude 0.5 for `toneSeconds`, then zeros again. */
function silenceToneSilence(rate: number, seconds: number, toneSeconds: number): Float32Array {
  const lead = Math.round(seconds * rate);
  const tone = Math.round(toneSeconds * rate);
  const x = new Float32Array(2 * lead + tone);
  for (let i = 0; i < tone; i++) x[lead + i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate + 0.3);
  return x;
}

test('on silence + tone + silence, a half-frame threshold finds the tone edges within one hop', () => {
  const rate = 22050;
  const x = silenceToneSilence(rate, 0.5, 1);
  const toneStart = Math.round(0.5 * rate);
  const toneEnd = x.length - toneStart;
  // 3 dB below the full-frame RMS: a frame counts once it is about half inside the tone, i.e. once
  // its centre (which is what frame index x hop points at) crosses the tone's edge.
  for (const hopLength of [512, 256]) {
    const { start, end } = trim(x, { topDb: 3, hopLength });
    assert.ok(Math.abs(start - toneStart) <= hopLength, `hop ${hopLength}: start ${start} vs ${toneStart}`);
    assert.ok(Math.abs(end - toneEnd) <= hopLength, `hop ${hopLength}: end ${end} vs ${toneEnd}`);
  }
});

test('at the default 60 dB any frame touching the tone is kept, so the cut lands frameLength/2 out', () => {
  const rate = 16000;
  const x = silenceToneSilence(rate, 0.75, 0.5);
  const toneStart = Math.round(0.75 * rate);
  const toneEnd = x.length - toneStart;
  const { start, end, samples } = trim(x);
  // Frame t spans [t*512 - 1024, t*512 + 1024); the first loud one overlaps the tone by a few samples.
  assert.ok(start <= toneStart - 1024 + 512 && start > toneStart - 1024 - 512, `start ${start}`);
  assert.ok(end >= toneEnd + 1024 - 512 && end < toneEnd + 1024 + 512, `end ${end}`);
  assert.equal(samples.length, end - start);
  // The kept part holds the whole tone: nothing above zero was cut off.
  assert.ok(x.subarray(0, start).every((v) => v === 0) && x.subarray(end).every((v) => v === 0));
});

test('trim: too-quiet signals give [0, 0); all zeros is kept whole; a fixed ref works; tails are capped', () => {
  // As in librosa: the reference (max RMS = 0) is floored like every frame, so every frame is at 0 dB.
  const zeros = trim(new Float32Array(10000));
  assert.deepEqual([zeros.start, zeros.end], [0, 10000], 'all zeros');
  const x = silenceToneSilence(22050, 0.2, 0.3);
  // The tone's RMS is ~0.35, i.e. ~-9 dB re 1: with ref 1 and topDb 6 nothing is loud enough.
  assert.equal(trim(x, { ref: 1, topDb: 6 }).end, 0);
  assert.ok(trim(x, { ref: 1, topDb: 20 }).end > 0);
  assert.deepEqual(trim(x, { ref: (rms) => Math.max(...rms) }), trim(x));
  // A signal that is loud to the very end is kept to its last sample, not to a whole hop past it.
  const loud = new Float32Array(1000).fill(0.5);
  assert.deepEqual([trim(loud).start, trim(loud).end], [0, 1000]);
  assert.equal(frameRms(new Float32Array(0)).length, 1, 'librosa gives one (zero) frame for an empty signal');
});

test('trim and frameRms reject bad options with an AudioError', () => {
  const x = new Float32Array(100);
  for (const options of [
    { topDb: -1 },
    { topDb: NaN },
    { frameLength: 0 },
    { hopLength: 1.5 },
    { ref: -1 },
  ]) {
    assert.throws(() => trim(x, options), AudioError, JSON.stringify(options));
  }
  assert.throws(() => frameRms(x, 2048, 0), /hopLength must be a positive integer/);
});
