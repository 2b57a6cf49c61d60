import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { assertClose, onBackend, randomArray, setUpEngine, withFastKernels } from './helpers';

interface Case {
  batch: number;
  width: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
}

// Channel counts off multiples of 8 and odd widths exercise the GEMM's edge paths.
const CASES: Case[] = [
  { batch: 3, width: 17, cin: 5, cout: 16, k: 5, stride: 1, pad: 'same' },
  { batch: 2, width: 16, cin: 8, cout: 12, k: 3, stride: 1, pad: 'valid' },
  { batch: 2, width: 19, cin: 7, cout: 9, k: 4, stride: 2, pad: 'same' },
  { batch: 4, width: 12, cin: 3, cout: 8, k: 1, stride: 1, pad: 'valid' },
  { batch: 1, width: 23, cin: 6, cout: 24, k: 5, stride: 3, pad: 'valid' },
];

const name = (c: Case): string => `B${c.batch} W${c.width} ${c.cin}→${c.cout} k${c.k} s${c.stride} ${c.pad}`;

/** Output, dx and dfilter of sum(conv1d(x, f) ⊙ r). */
function convAndGrads(c: Case, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor3d(randomArray(c.batch * c.width * c.cin, seed), [c.batch, c.width, c.cin]);
    const f = tf.tensor3d(randomArray(c.k * c.cin * c.cout, seed + 1), [c.k, c.cin, c.cout]);
    const y = tf.conv1d(x, f, c.stride, c.pad);
    const r = tf.tensor(randomArray(y.size, seed + 2), y.shape);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, c.stride, c.pad), r)),
    )([x, f]);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array, df.dataSync() as Float32Array];
  });
}

describe('engine Conv1D kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter)', () => {
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

  it('match stock wasm Conv2D and Conv2DBackpropInput on wasm', () => {
    const c = CASES[0];
    const x = tf.tensor3d(randomArray(c.batch * c.width * c.cin, 5), [c.batch, c.width, c.cin]);
    const f = tf.tensor3d(randomArray(c.k * c.cin * c.cout, 6), [c.k, c.cin, c.cout]);
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.conv1d(a as tf.Tensor3D, f, 1, 'same'))))(x);
        return [tf.conv1d(x, f, 1, 'same').dataSync() as Float32Array, dx.dataSync() as Float32Array];
      });
    const stock = withFastKernels(false, run);
    const fast = withFastKernels(true, run);
    assertClose(fast[0], stock[0], 1e-4, 'y');
    assertClose(fast[1], stock[1], 1e-4, 'dx');
    tf.dispose([x, f]);
  });

  it('gradients match central finite differences (the op is linear, so they are exact)', () => {
    const c = CASES[2];
    const xData = randomArray(c.batch * c.width * c.cin, 21);
    const fData = randomArray(c.k * c.cin * c.cout, 22);
    const yShape = tf.tidy(
      () =>
        tf.conv1d(
          tf.zeros([c.batch, c.width, c.cin]) as tf.Tensor3D,
          tf.zeros([c.k, c.cin, c.cout]) as tf.Tensor3D,
          c.stride,
          c.pad,
        ).shape,
    );
    const r = randomArray(
      yShape.reduce((a, b) => a * b, 1),
      23,
    );
    const loss = (xs: Float32Array, fs: Float32Array): number =>
      tf.tidy(() => {
        const y = tf.conv1d(
          tf.tensor3d(xs, [c.batch, c.width, c.cin]),
          tf.tensor3d(fs, [c.k, c.cin, c.cout]),
          c.stride,
          c.pad,
        );
        return tf.sum(tf.mul(y, tf.tensor(r, y.shape))).dataSync()[0];
      });
    const [dx, df] = tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, c.stride, c.pad), tf.tensor(r, yShape))),
      )([tf.tensor3d(xData, [c.batch, c.width, c.cin]), tf.tensor3d(fData, [c.k, c.cin, c.cout])]);
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
    for (const i of [0, 13, 77, 200, fData.length - 1])
      assertClose([df[i]], [fd(fData, i, 'f')], 1e-4, `df[${i}]`);
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
});
