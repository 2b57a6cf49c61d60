/**
 * Additive noise on real clips: the requested SNR is met within ±0.2 dB for white, pink, brown and real
 * noise recordings, and the colours have their spectral slopes (0, -3, -6 dB per octave).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeWavSync } from '../../lib/audio/encode';
import {
  addBackgroundNoise,
  addColorNoise,
  colorNoise,
  loadNoiseFolder,
  meanSquare,
} from '../../lib/augment/noise';
import { realFft } from '../../lib/dsp/fft';
import { Rng } from '../../lib/util/rng';
import { realClips } from './helpers';

const clips = realClips();

/** SNR of `noisy` against the clean signal, measured on what was actually returned (float32). */
function measuredSnr(clean: Float32Array, noisy: Float32Array): number {
  const noise = noisy.map((v, i) => v - clean[i]);
  return 10 * Math.log10(meanSquare(clean) / meanSquare(noise));
}

test('white, pink and brown noise meet the requested SNR within ±0.2 dB on real clips', () => {
  const rng = new Rng(11);
  for (const clip of clips)
    for (const color of ['white', 'pink', 'brown'] as const)
      for (const snrDb of [-5, 10, 40]) {
        const noisy = addColorNoise(clip.y, { snrDb, color }, rng);
        const got = measuredSnr(clip.y, noisy);
        assert.ok(
          Math.abs(got - snrDb) <= 0.2,
          `${clip.name} ${color} ${snrDb} dB: measured ${got.toFixed(3)}`,
        );
        assert.ok(noisy.every(Number.isFinite));
      }
});

/** Power slope of a noise in dB per octave between 100 Hz and 4 kHz at 16 kHz (least squares on log f). */
function slopePerOctave(noise: Float32Array, sr: number): number {
  const n = 4096;
  const fft = realFft(n);
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  const power = new Float64Array(n / 2 + 1);
  const frame = new Float64Array(n);
  for (let start = 0; start + n <= noise.length; start += n) {
    for (let i = 0; i < n; i++) frame[i] = noise[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    fft.forward(frame, re, im);
    for (let k = 0; k < power.length; k++) power[k] += re[k] ** 2 + im[k] ** 2;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 1; k < power.length; k++) {
    const f = (k * sr) / n;
    if (f < 100 || f > 4000) continue;
    xs.push(Math.log2(f));
    ys.push(10 * Math.log10(power[k]));
  }
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

test('noise colours have slopes of 0, -3 and -6 dB per octave (±0.5 dB)', () => {
  const rng = new Rng(5);
  for (const [color, slope] of [
    ['white', 0],
    ['pink', -3.01],
    ['brown', -6.02],
  ] as const) {
    const got = slopePerOctave(colorNoise(16000 * 8, color, rng), 16000);
    assert.ok(Math.abs(got - slope) <= 0.5, `${color}: ${got.toFixed(2)} dB/octave`);
  }
});

test('real noise files from a folder are mixed at the requested SNR within ±0.2 dB', () => {
  // The folder holds speech of another corpus (babble noise): real recordings, written to a temp folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-noise-'));
  try {
    const ravdess = clips.filter((c) => c.corpus === 'ravdess');
    writeWavSync(path.join(dir, 'a.wav'), [ravdess[0].y], ravdess[0].sr);
    fs.mkdirSync(path.join(dir, 'sub'));
    writeWavSync(path.join(dir, 'sub', 'b.wav'), [ravdess[1].y.subarray(0, 5000)], ravdess[1].sr);
    const rng = new Rng(2);
    for (const clip of clips.filter((c) => c.corpus === 'tess')) {
      const noises = loadNoiseFolder(dir, clip.sr);
      assert.equal(noises.length, 2);
      for (const snrDb of [0, 10, 30]) {
        const noisy = addBackgroundNoise(clip.y, noises, snrDb, rng);
        const got = measuredSnr(clip.y, noisy);
        assert.ok(Math.abs(got - snrDb) <= 0.2, `${clip.name} ${snrDb} dB: ${got.toFixed(3)}`);
      }
    }
    assert.throws(() => loadNoiseFolder(path.join(dir, 'missing'), 16000), /not found/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a silent clip cannot be given an SNR: the error says so', () => {
  assert.throws(() => addColorNoise(new Float32Array(1000), { snrDb: 10 }, new Rng(1)), /silent/);
});
