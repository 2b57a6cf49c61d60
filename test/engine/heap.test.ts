import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { before, describe, it } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../lib/backend';
import { batchNormTrain, getRuntime, type WasmRuntime } from '../../lib/engine';
import { copyStats, kernelMemory } from '../../lib/engine/io';
import { buildCnn2d } from '../../lib/models/cnn2d';
import { randomArray, setUpEngine, withFastKernels } from './helpers';

/** Runs f with one of rt's switches set, restored after. */
function withSwitch<T>(rt: WasmRuntime, name: 'inPlace' | 'useNative', on: boolean, f: () => T): T {
  const was = rt[name];
  rt[name] = on;
  try {
    return f();
  } finally {
    rt[name] = was;
  }
}

/** Runs f with the kernels on the wasm backend's heap (in place) or through the engine's memory (copies). */
const withInPlace = <T>(rt: WasmRuntime, inPlace: boolean, f: () => T): T =>
  withSwitch(rt, 'inPlace', inPlace, f);

/** Runs f with the native addon on or off (off: the WebAssembly kernels, copy path). */
const withNative = <T>(rt: WasmRuntime, on: boolean, f: () => T): T => withSwitch(rt, 'useNative', on, f);

/** Asserts a and b hold the same float32 bits, naming the first difference. */
function assertBitsEqual(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const at = ua.findIndex((v, i) => v !== ub[i]);
  assert.equal(at, -1, `${what}: differs at ${at} (${a[at]} vs ${b[at]})`);
}

/**
 * best-cnn2d (no noise or dropout, so two runs draw nothing random) on a batch of 4 [87, 64] spectrograms: the
 * predict output and every weight gradient of a training-mode loss (conv forward with bias + ReLU, both conv
 * gradients, fused BatchNorm and its gradient, MaxPool gradient, the Dense head's BatchMatMul).
 */
function cnn2dStep(model: tf.LayersModel): Float32Array[] {
  // Training-mode calls move BatchNorm's moving statistics: restore them so every step starts alike.
  const saved = model.getWeights().map((w) => w.clone());
  const out = tf.tidy(() => {
    const x = tf.tensor(randomArray(4 * 87 * 64, 5), [4, 87, 64]);
    const labels = tf.oneHot(tf.tensor1d([0, 3, 6, 2], 'int32'), 7);
    const predicted = model.predict(x) as tf.Tensor;
    const { grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
    );
    const names = Object.keys(grads).sort();
    return [predicted, ...names.map((n) => grads[n])].map((t) => t.dataSync() as Float32Array);
  });
  model.setWeights(saved);
  tf.dispose(saved);
  return out;
}

describe('engine kernels natively on the wasm backend heap (no copies)', () => {
  let rt: WasmRuntime;
  let model: tf.LayersModel;
  before(async () => {
    await setUpEngine();
    rt = getRuntime() as WasmRuntime;
    model = buildCnn2d({ inputNoise: 0, convDropout: 0, denseDropout: 0 });
  });
  const skip = (): string | false =>
    rt?.nativeActive
      ? false
      : 'the native addon is not loaded (SER_NATIVE_KERNELS=0, no compiler or not x86-64)';

  it('builds and loads the native addon on x86-64 Linux with a C compiler and AVX2/FMA', (t) => {
    const flags = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
    if (
      process.arch !== 'x64' ||
      process.env.SER_NATIVE_KERNELS === '0' ||
      !/\bavx2\b/.test(flags) ||
      !/\bfma\b/.test(flags)
    )
      return t.skip('not an x86-64 Linux CPU with AVX2/FMA, or SER_NATIVE_KERNELS=0');
    if (spawnSync(process.env.CC ?? 'cc', ['--version']).error) return t.skip('no C compiler');
    // A kernels.c change that does not compile for x86-64 leaves every kernel on wasm: the build prints one line.
    assert.ok(
      rt.nativeActive,
      'lib/engine/native/engine.node did not build or load (see lib/engine/wasm/build.js)',
    );
  });

  it('hands out scratch on the heap 64-byte aligned, each buffer whole and apart from the others', (t) => {
    if (skip()) return t.skip(skip() as string);
    const mem = withInPlace(rt, true, () => kernelMemory(rt, tf.backend()));
    try {
      const sizes = [1, 3, 16, 17, 1000, 4096, 5, 64];
      const ptrs = sizes.map((n) => mem.alloc(n));
      ptrs.forEach((p, i) => {
        assert.equal(p % 64, 0, `buffer ${i} at ${p}`);
        mem.view(p, sizes[i]).fill(i + 1);
      });
      ptrs.forEach((p, i) =>
        assert.ok(
          mem.view(p, sizes[i]).every((v) => v === i + 1),
          `buffer ${i} overwritten`,
        ),
      );
    } finally {
      mem.release();
    }
  });

  it('gives best-cnn2d the same predictions and gradients bit for bit as the copy path, with no copies', (t) => {
    if (skip()) return t.skip(skip() as string);
    const copied = withInPlace(rt, false, () => cnn2dStep(model));
    const bytesBefore = copyStats.inBytes + copyStats.outBytes;
    const inPlace = withInPlace(rt, true, () => cnn2dStep(model));
    assert.equal(copyStats.inBytes + copyStats.outBytes, bytesBefore, 'bytes copied into the engine memory');
    assert.equal(inPlace.length, copied.length);
    inPlace.forEach((a, i) => assertBitsEqual(a, copied[i], i === 0 ? 'predict' : `gradient ${i}`));
  });

  it('runs BatchNorm, MaxPool and their gradients natively with the WebAssembly kernels’ exact results', (t) => {
    if (skip()) return t.skip(skip() as string);
    // No GEMM in these: the x86 build of kernels.c must equal its wasm build bit for bit.
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor(randomArray(8 * 43 * 32 * 16, 9), [8, 43, 32, 16]);
        const gamma = tf.tensor1d(randomArray(16, 10));
        const beta = tf.tensor1d(randomArray(16, 11));
        const r = tf.tensor(randomArray(8 * 21 * 16 * 16, 12), [8, 21, 16, 16]);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
          const { y } = batchNormTrain(rt, a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
          return tf.sum(tf.mul(tf.maxPool(y as tf.Tensor4D, 2, 2, 'valid'), r));
        };
        const grads = tf.grads(f)([x, gamma, beta]);
        const inference = tf.batchNorm(x, tf.mean(x, [0, 1, 2]), tf.onesLike(gamma), beta, gamma, 1e-3);
        return [...grads, inference].map((g) => g.dataSync() as Float32Array);
      });
    const wasm = withNative(rt, false, run);
    const native = withInPlace(rt, true, run);
    native.forEach((a, i) => assertBitsEqual(a, wasm[i], ['dx', 'dgamma', 'dbeta', 'FusedBatchNorm'][i]));
  });

  it('runs MaxPool forward natively with stock wasm’s exact values (1-D and 2-D, padding, channels off 4)', (t) => {
    if (skip()) return t.skip(skip() as string);
    for (const [shape, pool, stride, pad] of [
      [[3, 1, 17, 6], [1, 3], [1, 2], 'same'],
      [[32, 87, 64, 16], [2, 2], [2, 2], 'valid'],
      [[2, 7, 9, 5], [3, 2], [2, 1], 'same'],
    ] as const) {
      // Negative values: a padded position must not count as a zero.
      // (tidy returns the tensor: a returned typed array would be walked element by element.)
      const run = (): Float32Array => {
        const y = tf.tidy(() => {
          const x = tf.tensor(randomArray(tf.util.sizeFromShape([...shape]), 13), [...shape]) as tf.Tensor4D;
          return tf.maxPool(x, [...pool], [...stride], pad);
        });
        const values = y.dataSync() as Float32Array;
        y.dispose();
        return values;
      };
      const before = tf.memory().numTensors;
      assertBitsEqual(withInPlace(rt, true, run), withFastKernels(false, run), `maxPool ${shape.join('×')}`);
      assert.equal(tf.memory().numTensors, before);
    }
  });

  it('keeps a padded conv exact when its scratch grows the wasm heap inside the kernel call', (t) => {
    if (skip()) return t.skip(skip() as string);
    // x is 128 MB and its padded copy larger than Emscripten's growth slack (at most 96 MB): allocating that
    // scratch grows the heap after x's offset was taken, before the native kernels run.
    const [B, H, W, C] = [2, 64, 32768, 8];
    const x = tf.fill([B, H, W, C], 0.5);
    const f = tf.ones([3, 3, C, 2]);
    const heapSize = (): number => (tf.backend() as BackendWasm).wasm.HEAPU8.buffer.byteLength;
    const before = heapSize();
    const y = withInPlace(rt, true, () => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
    assert.ok(heapSize() > before, 'the heap grew inside the call');
    const values = y.dataSync();
    tf.dispose([x, f, y]);
    // Every output is 0.5 · C · (filter taps inside the image): 9 inside, 6 on an edge, 4 in a corner.
    const taps = (i: number, n: number): number => 3 - (i === 0 ? 1 : 0) - (i === n - 1 ? 1 : 0);
    let wrong = -1;
    for (let i = 0; i < values.length && wrong < 0; i++) {
      const w = Math.floor(i / 2) % W;
      const h = Math.floor(i / (2 * W)) % H;
      if (values[i] !== 0.5 * C * taps(h, H) * taps(w, W)) wrong = i;
    }
    assert.equal(wrong, -1, `output ${wrong}: ${values[wrong]}`);
  });

  it('keeps results when the wasm heap grows between kernel calls', (t) => {
    if (skip()) return t.skip(skip() as string);
    const heap = (tf.backend() as BackendWasm).wasm.HEAPU8;
    const first = withInPlace(rt, true, () => cnn2dStep(model));
    const sizeBefore = (tf.backend() as BackendWasm).wasm.HEAPU8.buffer.byteLength;
    // Grow the heap past its size: the tensors' offsets stay, every view of the old buffer detaches.
    const filler = tf.zeros([sizeBefore / 4 + (16 << 20)]);
    const grown = (tf.backend() as BackendWasm).wasm.HEAPU8;
    assert.ok(grown.buffer.byteLength > sizeBefore, 'the heap grew');
    assert.notEqual(grown, heap);
    const again = withInPlace(rt, true, () => cnn2dStep(model));
    filler.dispose();
    again.forEach((a, i) => assertBitsEqual(a, first[i], `after growth ${i}`));
  });
});
