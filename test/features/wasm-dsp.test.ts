/**
 * The WebAssembly DSP kernels (lib/engine/dsp: STFT/ISTFT frame loops, phase vocoder, polyphase resampler)
 * against the TypeScript they stand in for, on real TESS and RAVDESS clips: the same operations in the
 * same order, so spectra and waveforms must be identical bit for bit (n_fft 2048 for the augmentation, 512
 * for the features; pitch shift resamples by 1219/1086; room and noise take single transforms of 2^16+).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadAudioSync } from '../../lib/audio/load';
import { findKernelsWasm } from '../../lib/engine/runtime';
import { setWasmDspEnabled } from '../../lib/engine/dsp';
import { wasmFrameKernels } from '../../lib/dsp/fft-wasm';
import { istft } from '../../lib/dsp/istft';
import { spectrogram, stft } from '../../lib/dsp/spectrum';
import { resample } from '../../lib/audio/resample';
import { pitchShift, timeStretch } from '../../lib/augment/stretch';
import { colorNoise } from '../../lib/augment/noise';
import { simulateRoom } from '../../lib/augment/room';
import { realFft } from '../../lib/dsp/fft';
import { Rng } from '../../lib/util/rng';
import { realDataRoot } from '../helpers/data';

after(() => setWasmDspEnabled(true));

function identical(a: Float32Array, b: Float32Array, label: string): void {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) assert.fail(`${label}[${i}]: wasm ${a[i]}, TypeScript ${b[i]}`);
}

test('the WebAssembly DSP kernels are built; the FFT frame loops are picked for power-of-two sizes only', () => {
  assert.ok(findKernelsWasm(), 'lib/engine/wasm/kernels.wasm must be built (node scripts/build.js)');
  setWasmDspEnabled(true);
  assert.ok(wasmFrameKernels(2048));
  assert.ok(wasmFrameKernels(512));
  assert.equal(wasmFrameKernels(400), null, 'mixed radix stays in TypeScript');
  setWasmDspEnabled(false);
  assert.equal(wasmFrameKernels(2048), null);
  setWasmDspEnabled(true);
});

/** realFft over the next power of two ≥ the clip (zero-padded): re then im, as float32 bits would hide float64 differences. */
function fullSpectrum(samples: Float32Array): Float32Array {
  let n = 8192;
  while (n < samples.length) n *= 2;
  const x = new Float64Array(n);
  x.set(samples);
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  realFft(n).forward(x, re, im);
  // Float64 compared exactly through their bytes.
  return new Float32Array(Float64Array.from([...re, ...im]).buffer);
}

for (const [corpus, file] of [
  ['tess', 'OAF_angry/OAF_back_angry.wav'],
  ['ravdess', 'Actor_01/03-01-05-01-01-01-01.wav'],
] as const) {
  test(`stft, spectrogram, istft, pitch shift, time stretch and resampling are bit-identical with and without WebAssembly on ${corpus}/${file}`, () => {
    const { samples } = loadAudioSync(path.join(realDataRoot(corpus), corpus, file), { sampleRate: null });
    const run = (wasm: boolean) => {
      setWasmDspEnabled(wasm);
      const spec = stft(samples);
      return {
        spec,
        power512: spectrogram(samples, { nFft: 512, hopLength: 128, power: 2 }),
        // Frames beyond `length` are skipped, and the odd length checks the trimming.
        back: istft(spec, { length: samples.length - 1001 }),
        up: pitchShift(samples, 2),
        down: pitchShift(samples, -3),
        slower: timeStretch(samples, 0.8),
        resampled: resample(samples, 22050, 16000),
        room: simulateRoom(samples, 22050, { rt60: 0.4 }, new Rng(7)),
        pink: colorNoise(samples.length, 'pink', new Rng(7)),
        spectrum: fullSpectrum(samples),
      };
    };
    const wasm = run(true);
    const ts = run(false);
    identical(wasm.spec.re, ts.spec.re, 'stft re');
    identical(wasm.spec.im, ts.spec.im, 'stft im');
    identical(wasm.power512.data, ts.power512.data, 'spectrogram 512');
    identical(wasm.back, ts.back, 'istft');
    identical(wasm.up, ts.up, 'pitchShift +2');
    identical(wasm.down, ts.down, 'pitchShift -3');
    identical(wasm.slower, ts.slower, 'timeStretch 0.8');
    identical(wasm.resampled, ts.resampled, 'resample 22050 -> 16000');
    identical(wasm.room, ts.room, 'simulateRoom');
    identical(wasm.pink, ts.pink, 'pink noise');
    identical(wasm.spectrum, ts.spectrum, 'realFft of the whole clip');
    // And the pair is a real inverse: the round trip returns the clip (to float32 rounding of the STFT).
    let err = 0;
    for (let i = 0; i < wasm.back.length; i++) err = Math.max(err, Math.abs(wasm.back[i] - samples[i]));
    assert.ok(err < 1e-5, `round-trip error ${err}`);
  });
}
