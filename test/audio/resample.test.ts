import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioError, resample } from '../../lib/audio';
import { setWasmDspEnabled } from '../../lib/engine/dsp';
import { golden, lcgSignal } from './golden';

test('matches scipy.signal.resample_poly bit for bit on edge-case lengths and ratios, in WebAssembly and TypeScript', () => {
  try {
    for (const wasm of [true, false]) {
      setWasmDspEnabled(wasm);
      for (const c of golden.synthetic) {
        const out = resample(lcgSignal(c.length, c.seed), c.nativeRate, c.targetRate);
        const label = `${wasm ? 'wasm' : 'TypeScript'}: ${c.length} samples ${c.nativeRate} -> ${c.targetRate}`;
        assert.equal(out.length, c.output.length, label);
        assert.deepEqual(Array.from(out), c.output.map(Math.fround), label);
      }
    }
  } finally {
    setWasmDspEnabled(true);
  }
});

test('output length is ceil(n * to / from) and equal rates give an independent copy', () => {
  const x = lcgSignal(1001, 11);
  assert.equal(resample(x, 24414, 22050).length, Math.ceil((1001 * 22050) / 24414));
  assert.equal(resample(x, 8000, 44100).length, Math.ceil((1001 * 44100) / 8000));
  const same = resample(x, 16000, 16000);
  assert.deepEqual(same, x);
  same[0] = 42;
  assert.notEqual(x[0], 42);
  assert.equal(resample(new Float32Array(0), 24414, 22050).length, 0);
});

/** Amplitude of frequency `hz` in `x` (single-bin DFT over the middle, away from edge effects). */
function toneAmplitude(x: Float32Array, rate: number, hz: number): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += x[i] * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i] * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function tone(hz: number, rate: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

test('keeps an in-band tone at its frequency and amplitude', () => {
  for (const [from, to] of [
    [24414, 22050],
    [22050, 16000],
    [8000, 22050],
  ]) {
    const y = resample(tone(440, from, 1), from, to);
    assert.ok(Math.abs(toneAmplitude(y, to, 440) - 0.5) < 0.005, `${from} -> ${to}: 440 Hz amplitude`);
    assert.ok(toneAmplitude(y, to, 500) < 0.01, `${from} -> ${to}: no energy at 500 Hz`);
  }
});

test('removes content above the new Nyquist instead of aliasing it', () => {
  // 10 kHz at 44.1 kHz would alias to 6 kHz at 16 kHz if it were not filtered out.
  const y = resample(tone(10000, 44100, 1), 44100, 16000);
  assert.ok(toneAmplitude(y, 16000, 6000) < 0.005, `aliased amplitude ${toneAmplitude(y, 16000, 6000)}`);
});

test('rejects rates that are not positive integers with a one-line AudioError', () => {
  for (const [from, to] of [
    [0, 22050],
    [22050, -1],
    [22050.5, 16000],
    [Number.NaN, 16000],
  ]) {
    assert.throws(
      () => resample(new Float32Array(10), from, to),
      (err: unknown) =>
        err instanceof AudioError &&
        err.code === 'bad-option' &&
        /^resample: \w+ must be a positive integer/.test(err.message),
    );
  }
});
