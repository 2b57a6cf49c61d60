/**
 * The WebAssembly STFT/ISTFT frame loops (fft-wasm.ts) against the TypeScript loops they stand in for, on
 * real TESS and RAVDESS clips: the same operations in the same order, so the spectra and waveforms must be
 * identical bit for bit, for the augmentation's n_fft 2048 and the features' 512.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadAudioSync } from '../../lib/audio/load';
import { findKernelsWasm } from '../../lib/engine/runtime';
import { setWasmFftEnabled, wasmFrameKernels } from '../../lib/features/fft-wasm';
import { istft } from '../../lib/features/istft';
import { spectrogram, stft } from '../../lib/features/spectrum';
import { realDataRoot } from '../helpers/data';

after(() => setWasmFftEnabled(true));

function identical(a: Float32Array, b: Float32Array, label: string): void {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) assert.fail(`${label}[${i}]: wasm ${a[i]}, TypeScript ${b[i]}`);
}

test('the WebAssembly frame kernels are built and picked for power-of-two sizes only', () => {
  assert.ok(findKernelsWasm(), 'lib/engine/wasm/kernels.wasm must be built (node scripts/build.js)');
  setWasmFftEnabled(true);
  assert.ok(wasmFrameKernels(2048));
  assert.ok(wasmFrameKernels(512));
  assert.equal(wasmFrameKernels(400), null, 'mixed radix stays in TypeScript');
  setWasmFftEnabled(false);
  assert.equal(wasmFrameKernels(2048), null);
  setWasmFftEnabled(true);
});

for (const [corpus, file] of [
  ['tess', 'OAF_angry/OAF_back_angry.wav'],
  ['ravdess', 'Actor_01/03-01-05-01-01-01-01.wav'],
] as const) {
  test(`stft, spectrogram and istft are bit-identical with and without WebAssembly on ${corpus}/${file}`, () => {
    const { samples } = loadAudioSync(path.join(realDataRoot(corpus), corpus, file), { sampleRate: null });
    const run = (wasm: boolean) => {
      setWasmFftEnabled(wasm);
      const spec = stft(samples);
      return {
        spec,
        power512: spectrogram(samples, { nFft: 512, hopLength: 128, power: 2 }),
        // Frames beyond `length` are skipped, and the odd length checks the trimming.
        back: istft(spec, { length: samples.length - 1001 }),
      };
    };
    const wasm = run(true);
    const ts = run(false);
    identical(wasm.spec.re, ts.spec.re, 'stft re');
    identical(wasm.spec.im, ts.spec.im, 'stft im');
    identical(wasm.power512.data, ts.power512.data, 'spectrogram 512');
    identical(wasm.back, ts.back, 'istft');
    // And the pair is a real inverse: the round trip returns the clip (to float32 rounding of the STFT).
    let err = 0;
    for (let i = 0; i < wasm.back.length; i++) err = Math.max(err, Math.abs(wasm.back[i] - samples[i]));
    assert.ok(err < 1e-5, `round-trip error ${err}`);
  });
}
