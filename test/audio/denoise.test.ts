import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { AudioError, readAudioFileSync, reduceNoise, toMono } from '../../lib/audio';
import { Rng } from '../../lib/util/rng';
import { dataRoot } from './golden';

const RATE = 16000;

/** 10 log10(clean energy / energy of (output - clean)): the signal-to-error ratio in dB. */
function snrDb(clean: Float32Array, output: Float32Array): number {
  let signal = 0;
  let error = 0;
  for (let i = 0; i < clean.length; i++) {
    signal += clean[i] ** 2;
    error += (output[i] - clean[i]) ** 2;
  }
  return 10 * Math.log10(signal / error);
}

/** A 440 Hz sine of amplitude 0.5 between samples `from` and `to`, zeros elsewhere. */
function tone(length: number, from = 0, to = length): Float32Array {
  const x = new Float32Array(length);
  for (let i = from; i < to; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / RATE);
  return x;
}

function whiteNoise(length: number, sigma: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length }, () => sigma * rng.normal());
}

/** `clean` plus white noise scaled so the whole mixture is at `snr` dB; returns the noise's sigma too. */
function mixAt(clean: Float32Array, snr: number, seed: number): { noisy: Float32Array; sigma: number } {
  const power = clean.reduce((sum, v) => sum + v * v, 0) / clean.length;
  const sigma = Math.sqrt(power / 10 ** (snr / 10));
  const noise = whiteNoise(clean.length, sigma, seed);
  return { noisy: clean.map((v, i) => v + noise[i]), sigma };
}

test('a tone in white noise at 5 dB SNR gains >= 6 dB, with a separate noise clip as the profile', () => {
  const clean = tone(2 * RATE);
  const { noisy, sigma } = mixAt(clean, 5, 1);
  assert.ok(Math.abs(snrDb(clean, noisy) - 5) < 0.2);
  const denoised = reduceNoise(noisy, RATE, { noiseClip: whiteNoise(RATE, sigma, 2) });
  assert.equal(denoised.length, noisy.length);
  const gain = snrDb(clean, denoised) - 5;
  assert.ok(gain >= 6, `SNR gain ${gain.toFixed(2)} dB`);
});

test('without a noise clip the profile comes from the quietest frames: noise-only lead-in and tail', () => {
  // Like a recording: noise alone for 0.5 s, the tone for 1.5 s, noise alone for 0.5 s.
  const clean = tone(Math.round(2.5 * RATE), Math.round(0.5 * RATE), 2 * RATE);
  const { noisy } = mixAt(clean, 5, 3);
  const gain = snrDb(clean, reduceNoise(noisy, RATE)) - snrDb(clean, noisy);
  assert.ok(gain >= 6, `SNR gain ${gain.toFixed(2)} dB`);
  // propDecrease scales how much is removed: half the reduction is a smaller gain, none is no change.
  const half = snrDb(clean, reduceNoise(noisy, RATE, { propDecrease: 0.5 })) - snrDb(clean, noisy);
  assert.ok(half > 0.5 && half < gain, `half: ${half.toFixed(2)} dB`);
  const none = reduceNoise(noisy, RATE, { propDecrease: 0 });
  assert.ok(snrDb(noisy, none) > 100, 'propDecrease 0 resynthesises the input (STFT/ISTFT round trip)');
});

test('clean TESS speech is changed little (signal-to-change ratio >= 15 dB, level within 1 dB)', () => {
  for (const file of [
    'tess/OAF_neutral/OAF_back_neutral.wav',
    'tess/YAF_happy/YAF_back_happy.wav',
    'tess/OAF_angry/OAF_bar_angry.wav',
  ]) {
    const decoded = readAudioFileSync(path.join(dataRoot, file));
    const speech = toMono(decoded.channels);
    const denoised = reduceNoise(speech, decoded.sampleRate);
    const change = snrDb(speech, denoised);
    assert.ok(change >= 15, `${file}: ${change.toFixed(1)} dB`);
    const energy = (x: Float32Array): number => x.reduce((sum, v) => sum + v * v, 0);
    const levelChange = 10 * Math.log10(energy(denoised) / energy(speech));
    assert.ok(Math.abs(levelChange) <= 1, `${file}: level changed by ${levelChange.toFixed(2)} dB`);
  }
});

test('reduceNoise: empty input, short input and bad options', () => {
  assert.equal(reduceNoise(new Float32Array(0), RATE).length, 0);
  assert.equal(reduceNoise(whiteNoise(100, 0.1, 4), RATE).length, 100);
  const x = whiteNoise(4000, 0.1, 5);
  for (const options of [
    { nFft: 1000 },
    { hopLength: 0 },
    { propDecrease: 1.5 },
    { noiseFraction: 0 },
    { nStdThresh: NaN },
    { noiseClip: new Float32Array(0) },
  ]) {
    assert.throws(() => reduceNoise(x, RATE, options), AudioError, Object.keys(options)[0]);
  }
  assert.throws(() => reduceNoise(x, 0), /sampleRate must be/);
});
