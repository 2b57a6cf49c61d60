/**
 * YIN (lib/features/pitch) on synthetic harmonic tones of known F0, and the inverse FFT / ISTFT it and the
 * augmentations rest on (lib/dsp/istft), on a real TESS clip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadAudioSync } from '../../lib/audio/load';
import { realFft } from '../../lib/dsp/fft';
import { inverseRealFft, istft } from '../../lib/dsp/istft';
import { yin } from '../../lib/features/pitch';
import { stft } from '../../lib/dsp/spectrum';
import { Rng } from '../../lib/util/rng';
import { realDataRoot } from '../helpers/data';

/** A tone with 5 harmonics of falling amplitude and random phases. */
function harmonicTone(f0: number, sr: number, seconds: number, rng: Rng): Float32Array {
  const y = new Float32Array(Math.round(sr * seconds));
  const phases = [0, 1, 2, 3, 4].map(() => rng.next() * 2 * Math.PI);
  for (let i = 0; i < y.length; i++)
    for (let h = 1; h <= 5; h++)
      y[i] += (0.3 / h) * Math.sin((2 * Math.PI * h * f0 * i) / sr + phases[h - 1]);
  return y;
}

const cents = (a: number, b: number) => 1200 * Math.log2(a / b);

test('yin finds the F0 of harmonic tones within 1 cent (interior frames)', () => {
  const rng = new Rng(7);
  for (const [f0, sr] of [
    [98, 22050],
    [173.3, 24414],
    [261.6, 16000],
    [440, 44100],
  ]) {
    const track = yin(harmonicTone(f0, sr, 1, rng), { fmin: 60, fmax: 600, sr });
    const interior = [...track.f0].slice(4, -4);
    assert.ok(interior.length > 20);
    for (const f of interior) assert.ok(Math.abs(cents(f, f0)) < 1, `${f0} Hz at ${sr} Hz: estimated ${f}`);
    for (const a of [...track.aperiodicity].slice(4, -4)) assert.ok(a < 0.1, `aperiodicity ${a}`);
  }
});

test('yin on silence and noise returns finite values and flags them aperiodic', () => {
  const silent = yin(new Float32Array(8000), { fmin: 60, fmax: 600, sr: 16000 });
  assert.ok(silent.f0.every(Number.isFinite));
  const rng = new Rng(1);
  const noise = Float32Array.from({ length: 16000 }, () => rng.normal() * 0.1);
  const track = yin(noise, { fmin: 60, fmax: 600, sr: 16000 });
  assert.ok(track.f0.every(Number.isFinite));
  const periodic = [...track.aperiodicity].filter((a) => a < 0.1).length;
  assert.ok(periodic < track.f0.length / 10, `${periodic} of ${track.f0.length} noise frames look periodic`);
  assert.throws(() => yin(noise, { fmin: 600, fmax: 60, sr: 16000 }), /fmin/);
});

test('inverseRealFft inverts realFft (powers of two)', () => {
  const rng = new Rng(3);
  for (const n of [4, 8, 64, 2048]) {
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    realFft(n).forward(x, re, im);
    const back = new Float64Array(n);
    inverseRealFft(n).inverse(re, im, back);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(back[i] - x[i]) < 1e-12, `n=${n} i=${i}`);
  }
});

test('istft(stft(y)) reconstructs a real TESS clip (librosa.istft semantics)', () => {
  const root = realDataRoot('tess');
  const { samples: y } = loadAudioSync(path.join(root, 'tess', 'YAF_sad', 'YAF_base_sad.wav'), {
    sampleRate: null,
  });
  for (const [nFft, hopLength] of [
    [2048, 512],
    [512, 128],
  ]) {
    const back = istft(stft(y, { nFft, hopLength }), { hopLength, length: y.length });
    assert.equal(back.length, y.length);
    let err = 0;
    for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(back[i] - y[i]));
    // complex64 rounding of the STFT bounds the error.
    assert.ok(err < 1e-5, `max reconstruction error ${err}`);
  }
  // Without `length`: every frame, centre padding removed (librosa: n_fft + hop·(frames-1) - n_fft).
  const spec = stft(y, { nFft: 2048, hopLength: 512 });
  assert.equal(istft(spec, { hopLength: 512 }).length, 512 * (spec.frames - 1));
});
