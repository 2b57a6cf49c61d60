/**
 * Done-when of pitch shift and time stretch on real TESS and RAVDESS clips: the F0 moves by the requested
 * interval within ±15 cents (YIN, frame by frame, median over the corpus's voiced frames) and the duration
 * stays within 1 %; time stretch changes duration by the rate within 1 % and keeps F0 within ±15 cents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { istft } from '../../lib/dsp/istft';
import { stft } from '../../lib/dsp/spectrum';
import {
  phaseVocoder,
  pitchShift,
  rationalApproximation,
  speedPerturb,
  timeStretch,
} from '../../lib/augment/stretch';
import { cents, median, realClips, voicedF0 } from './helpers';

const clips = realClips();
const corpora = ['tess', 'ravdess'] as const;
const baseF0 = new Map(clips.map((c) => [c.name, voicedF0(c.y, c.sr)]));

test('pitch shift by ±1, ±2, ±4 semitones moves F0 by the interval within ±15 cents, duration kept', () => {
  for (const n of [-4, -2, -1, 1, 2, 4]) {
    for (const corpus of corpora) {
      const errors: number[] = [];
      for (const clip of clips.filter((c) => c.corpus === corpus)) {
        const shifted = pitchShift(clip.y, n);
        assert.ok(
          Math.abs(shifted.length / clip.y.length - 1) <= 0.01,
          `${clip.name}: length ${shifted.length}`,
        );
        const before = baseF0.get(clip.name) as Float64Array;
        const after = voicedF0(shifted, clip.sr);
        for (let t = 0; t < Math.min(before.length, after.length); t++)
          if (before[t] > 0 && after[t] > 0) errors.push(cents(after[t], before[t]) - 100 * n);
      }
      assert.ok(errors.length >= 40, `${corpus} ${n}: only ${errors.length} voiced frame pairs`);
      const err = median(errors);
      assert.ok(Math.abs(err) <= 15, `${corpus}, ${n} semitones: median error ${err.toFixed(1)} cents`);
    }
  }
});

test('time stretch by 0.8–1.25 changes duration by the rate within 1 % and keeps F0 within ±15 cents', () => {
  for (const rate of [0.8, 0.9, 1.1, 1.25]) {
    for (const corpus of corpora) {
      const errors: number[] = [];
      for (const clip of clips.filter((c) => c.corpus === corpus)) {
        const stretched = timeStretch(clip.y, rate);
        const ratio = clip.y.length / stretched.length;
        assert.ok(Math.abs(ratio / rate - 1) <= 0.01, `${clip.name} rate ${rate}: duration ratio ${ratio}`);
        const before = baseF0.get(clip.name) as Float64Array;
        const after = voicedF0(stretched, clip.sr);
        // Output frame t shows the input around frame t·rate: compare with the log-interpolated input F0.
        for (let t = 0; t < after.length; t++) {
          const s = t * rate;
          const i = Math.floor(s);
          if (!(after[t] > 0 && before[i] > 0 && before[i + 1] > 0)) continue;
          const a = s - i;
          errors.push(cents(after[t], Math.exp((1 - a) * Math.log(before[i]) + a * Math.log(before[i + 1]))));
        }
      }
      assert.ok(errors.length >= 30, `${corpus} ${rate}: only ${errors.length} voiced frame pairs`);
      const err = median(errors);
      assert.ok(Math.abs(err) <= 15, `${corpus}, rate ${rate}: median F0 change ${err.toFixed(1)} cents`);
    }
  }
});

test('phase vocoder at rate 1 is the identity on the STFT; lengths follow librosa', () => {
  const { y } = clips[0];
  const spec = stft(y);
  const same = phaseVocoder(spec, 1);
  assert.equal(same.frames, spec.frames);
  let err = 0;
  for (let k = 0; k < spec.re.length; k++)
    err = Math.max(err, Math.abs(same.re[k] - spec.re[k]), Math.abs(same.im[k] - spec.im[k]));
  assert.ok(err < 1e-4, `max deviation ${err}`);
  assert.equal(phaseVocoder(spec, 0.8).frames, Math.ceil(spec.frames / 0.8));
  assert.equal(timeStretch(y, 1.25).length, Math.round(y.length / 1.25));
  const back = istft(same, { length: y.length });
  let recon = 0;
  for (let i = 0; i < y.length; i++) recon = Math.max(recon, Math.abs(back[i] - y[i]));
  assert.ok(recon < 1e-4);
});

test('speed perturbation changes duration by 1/factor and F0 by the factor', () => {
  const clip = clips[0];
  const before = baseF0.get(clip.name) as Float64Array;
  for (const factor of [0.9, 1.1]) {
    const fast = speedPerturb(clip.y, factor);
    assert.equal(fast.length, Math.ceil(clip.y.length / factor));
    const after = voicedF0(fast, clip.sr);
    const errors: number[] = [];
    for (let t = 0; t < after.length; t++) {
      const i = Math.round(t * factor);
      if (after[t] > 0 && before[i] > 0) errors.push(cents(after[t], before[i]) - 1200 * Math.log2(factor));
    }
    assert.ok(Math.abs(median(errors)) <= 15, `factor ${factor}: ${median(errors)} cents`);
  }
  assert.deepEqual(rationalApproximation(0.9), { p: 9, q: 10 });
  const { p, q } = rationalApproximation(2 ** (1 / 12));
  assert.ok(Math.abs(cents(p / q, 2 ** (1 / 12))) <= 0.01);
});
