import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { engineInfo, setNativeKernelsEnabled } from '../../lib/engine';
import { assertClose, onBackend, randomArray, setUpEngine, withFastKernels } from './helpers';

interface Case {
  batch: number;
  /** Absent for a 1-D conv (tf.conv1d on [batch, width, cin]). */
  height?: number;
  width: number;
  cin: number;
  cout: number;
  /** Kernel width, or [height, width] for a 2-D conv. */
  k: number | [number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

// Channel counts off multiples of 8 and odd widths exercise the GEMM's edge paths.
const CASES: Case[] = [
  { batch: 3, width: 17, cin: 5, cout: 16, k: 5, stride: 1, pad: 'same' },
  { batch: 2, width: 16, cin: 8, cout: 12, k: 3, stride: 1, pad: 'valid' },
  { batch: 2, width: 19, cin: 7, cout: 9, k: 4, stride: 2, pad: 'same' },
  { batch: 4, width: 12, cin: 3, cout: 8, k: 1, stride: 1, pad: 'valid' },
  { batch: 1, width: 23, cin: 6, cout: 24, k: 5, stride: 3, pad: 'valid' },
  { batch: 3, height: 9, width: 11, cin: 1, cout: 16, k: [3, 3], stride: 1, pad: 'same' },
  { batch: 2, height: 10, width: 7, cin: 5, cout: 9, k: [3, 2], stride: [2, 1], pad: 'same' },
  { batch: 2, height: 8, width: 13, cin: 6, cout: 8, k: [2, 4], stride: [2, 3], pad: 'valid' },
  { batch: 1, height: 7, width: 9, cin: 12, cout: 20, k: [5, 3], stride: [1, 2], pad: 'same' },
];

const name = (c: Case): string =>
  `B${c.batch} ${c.height === undefined ? '' : `H${c.height} `}W${c.width} ${c.cin}→${c.cout} ` +
  `k${String(c.k)} s${String(c.stride)} ${c.pad}`;

const inputShape = (c: Case): number[] =>
  c.height === undefined ? [c.batch, c.width, c.cin] : [c.batch, c.height, c.width, c.cin];
const filterShape = (c: Case): number[] =>
  typeof c.k === 'number' ? [c.k, c.cin, c.cout] : [c.k[0], c.k[1], c.cin, c.cout];
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** The case's convolution: tf.conv1d for 1-D cases, tf.conv2d otherwise. */
function conv(c: Case, x: tf.Tensor, f: tf.Tensor): tf.Tensor {
  return c.height === undefined
    ? tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, c.stride as number, c.pad)
    : tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad);
}

/** Output, dx and dfilter of sum(conv(x, f) ⊙ r). */
function convAndGrads(c: Case, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor(randomArray(size(inputShape(c)), seed), inputShape(c));
    const f = tf.tensor(randomArray(size(filterShape(c)), seed + 1), filterShape(c));
    const y = conv(c, x, f);
    const r = tf.tensor(randomArray(y.size, seed + 2), y.shape);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c, a, b), r)))([x, f]);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array, df.dataSync() as Float32Array];
  });
}

/** Checks dx and dfilter of sum(conv(x, f) ⊙ r) against central differences (exact: the op is linear). */
function checkFiniteDifferences(c: Case): void {
  const xData = randomArray(size(inputShape(c)), 21);
  const fData = randomArray(size(filterShape(c)), 22);
  const yShape = tf.tidy(() => conv(c, tf.zeros(inputShape(c)), tf.zeros(filterShape(c))).shape);
  const r = randomArray(size(yShape), 23);
  const loss = (xs: Float32Array, fs: Float32Array): number =>
    tf.tidy(() => {
      const y = conv(c, tf.tensor(xs, inputShape(c)), tf.tensor(fs, filterShape(c)));
      return tf.sum(tf.mul(y, tf.tensor(r, y.shape))).dataSync()[0];
    });
  const [dx, df] = tf.tidy(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c, a, b), tf.tensor(r, yShape))))([
      tf.tensor(xData, inputShape(c)),
      tf.tensor(fData, filterShape(c)),
    ]);
    return g.map((t) => t.dataSync() as Float32Array);
  });
  const eps = 0.5;
  const fd = (data: Float32Array, i: number, which: 'x' | 'f'): number => {
    const plus = data.slice();
    const minus = data.slice();
    plus[i] += eps;
    minus[i] -= eps;
    const [lp, lm] =
      which === 'x' ? [loss(plus, fData), loss(minus, fData)] : [loss(xData, plus), loss(xData, minus)];
    return (lp - lm) / (2 * eps);
  };
  for (const i of [0, 7, 40, 101, xData.length - 1])
    assertClose([dx[i]], [fd(xData, i, 'x')], 1e-4, `dx[${i}]`);
  for (const i of [0, 13, 77, 200, fData.length - 1].filter((i) => i < fData.length))
    assertClose([df[i]], [fd(fData, i, 'f')], 1e-4, `df[${i}]`);
}

describe('engine Conv1D/Conv2D kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter)', () => {
  before(setUpEngine);

  for (const c of CASES) {
    it(`agree with stock cpu kernels to 1e-4: ${name(c)}`, async () => {
      const stock = await onBackend('cpu', () => withFastKernels(false, () => convAndGrads(c, 11)));
      const fastCpu = await onBackend('cpu', () => withFastKernels(true, () => convAndGrads(c, 11)));
      const fastWasm = withFastKernels(true, () => convAndGrads(c, 11));
      for (const [i, part] of ['y', 'dx', 'dfilter'].entries()) {
        assertClose(fastCpu[i], stock[i], 1e-4, `cpu ${part}`);
        assertClose(fastWasm[i], stock[i], 1e-4, `wasm ${part}`);
      }
    });
  }

  for (const c of [CASES[0], CASES[6]]) {
    it(`match stock wasm Conv2D and Conv2DBackpropInput on wasm: ${name(c)}`, () => {
      const x = tf.tensor(randomArray(size(inputShape(c)), 5), inputShape(c));
      const f = tf.tensor(randomArray(size(filterShape(c)), 6), filterShape(c));
      const run = (): Float32Array[] =>
        tf.tidy(() => {
          const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.square(conv(c, a, f))))(x);
          return [conv(c, x, f).dataSync() as Float32Array, dx.dataSync() as Float32Array];
        });
      const stock = withFastKernels(false, run);
      const fast = withFastKernels(true, run);
      assertClose(fast[0], stock[0], 1e-4, 'y');
      assertClose(fast[1], stock[1], 1e-4, 'dx');
      tf.dispose([x, f]);
    });
  }

  it('the native AVX2/FMA and the WebAssembly GEMM kernels agree to 1e-5 (conv forward and both gradients, BatchMatMul)', (t) => {
    if (!engineInfo().native) {
      t.skip('native addon not built or this CPU lacks AVX2/FMA: only the wasm kernels run here');
      return;
    }
    const run = (): Float32Array[] =>
      tf.tidy(() => [
        ...convAndGrads(CASES[5], 61),
        ...convAndGrads(CASES[6], 62),
        ...convAndGrads(CASES[0], 63),
        tf
          .matMul(
            tf.tensor(randomArray(70 * 90, 64), [70, 90]),
            tf.tensor(randomArray(90 * 37, 65), [90, 37]),
          )
          .dataSync() as Float32Array,
      ]);
    const native = run();
    setNativeKernelsEnabled(false);
    try {
      const wasm = run();
      wasm.forEach((w, i) => assertClose(native[i], w, 1e-5, `output ${i}`));
    } finally {
      setNativeKernelsEnabled(true);
    }
  });

  it('gradients match central finite differences (the op is linear, so they are exact): 1-D', () => {
    checkFiniteDifferences(CASES[2]);
  });

  it('gradients match central finite differences: 2-D, strided', () => {
    checkFiniteDifferences(CASES[6]);
    checkFiniteDifferences(CASES[7]);
  });

  it('lets the wasm backend train a Conv1D, which stock tfjs-backend-wasm cannot', () => {
    const x = tf.ones([2, 8, 3]) as tf.Tensor3D;
    const f = tf.ones([3, 3, 4]) as tf.Tensor3D;
    const grad = (): tf.Tensor =>
      tf.grad((b: tf.Tensor) => tf.sum(tf.conv1d(x, b as tf.Tensor3D, 1, 'same')))(f);
    assert.throws(() => withFastKernels(false, grad), /Conv2DBackpropFilter/);
    const df = withFastKernels(true, grad);
    // Tap 0 sees 8 positions minus one in the zero padding, in each of the 2 examples.
    assert.deepEqual(Array.from(df.dataSync()).slice(0, 12), new Array(12).fill(14));
    tf.dispose([x, f, df]);
  });

  it('lets the wasm backend train a Conv2D, which stock tfjs-backend-wasm cannot', () => {
    const x = tf.ones([2, 4, 5, 1]) as tf.Tensor4D;
    const f = tf.ones([3, 3, 1, 2]) as tf.Tensor4D;
    const grad = (): tf.Tensor =>
      tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x, b as tf.Tensor4D, 1, 'same')))(f);
    assert.throws(() => withFastKernels(false, grad), /Conv2DBackpropFilter/);
    const df = withFastKernels(true, grad);
    // The centre tap sees all 4 × 5 positions; the top-left tap misses the first row and column (3 × 4).
    const taps = Array.from(df.dataSync());
    assert.equal(taps[4 * 2], 40);
    assert.equal(taps[0], 24);
    tf.dispose([x, f, df]);
  });
});
