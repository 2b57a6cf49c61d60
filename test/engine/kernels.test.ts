import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { assertClose, onBackend, randomTensor, setUpEngine, withFastKernels } from './helpers';

/** Runs f with stock kernels on cpu, then with engine kernels on cpu and on wasm; returns all three. */
async function stockCpuFastCpuFastWasm(f: () => Float32Array[]): Promise<Float32Array[][]> {
  const stock = await onBackend('cpu', () => withFastKernels(false, f));
  const fastCpu = await onBackend('cpu', () => withFastKernels(true, f));
  return [stock, fastCpu, withFastKernels(true, f)];
}

function assertAllClose(runs: Float32Array[][], tol: number, what: string): void {
  const [stock, ...fast] = runs;
  fast.forEach((run, r) =>
    run.forEach((a, i) => assertClose(a, stock[i], tol, `${what} run ${r} output ${i}`)),
  );
}

describe('engine BatchMatMul, MaxPoolGrad, Reverse, Tile, Sum and Mean kernels', () => {
  before(setUpEngine);

  it('BatchMatMul broadcasts a batch of 1 like stock (forward; stock tfjs has no broadcast gradient)', async () => {
    const runs = await stockCpuFastCpuFastWasm(() =>
      tf.tidy(() =>
        [
          tf.matMul(randomTensor([3, 9, 21], 1), randomTensor([21, 16], 2)),
          tf.matMul(randomTensor([1, 9, 21], 1), randomTensor([4, 21, 16], 2)),
        ].map((t) => t.dataSync() as Float32Array),
      ),
    );
    assertAllClose(runs, 1e-4, 'broadcast matmul');
  });

  const matmuls: [number[], number[], boolean, boolean][] = [
    [[37, 19], [19, 13], false, false],
    [[19, 37], [19, 13], true, false],
    [[37, 19], [13, 19], false, true],
    [[19, 37], [13, 19], true, true],
    [[3, 9, 21], [3, 21, 16], false, false],
    [[2, 2, 64, 33], [2, 2, 40, 33], false, true],
  ];
  for (const [sa, sb, ta, tb] of matmuls) {
    it(`BatchMatMul ${JSON.stringify(sa)}${ta ? 'ᵀ' : ''} · ${JSON.stringify(sb)}${tb ? 'ᵀ' : ''} and its gradients agree with stock`, async () => {
      const runs = await stockCpuFastCpuFastWasm(() =>
        tf.tidy(() => {
          const [a, b] = [randomTensor(sa, 1), randomTensor(sb, 2)];
          const y = tf.matMul(a, b, ta, tb);
          const r = randomTensor(y.shape, 3);
          const [da, db] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
            tf.sum(tf.mul(tf.matMul(x, w, ta, tb), r)),
          )([a, b]);
          return [y, da, db].map((t) => t.dataSync() as Float32Array);
        }),
      );
      assertAllClose(runs, 1e-4, 'matmul');
    });
  }

  for (const [height, width, pool, stride, pad] of [
    [1, 16, [1, 2], [1, 2], 'valid'],
    [1, 17, [1, 3], [1, 2], 'same'],
    [1, 9, [1, 2], [1, 1], 'valid'],
    [8, 10, [2, 2], [2, 2], 'valid'],
    [7, 9, [3, 2], [2, 1], 'same'],
  ] as const) {
    it(`MaxPoolGrad (${height}×${width}, pool ${pool.join('×')}, stride ${stride.join('×')}, ${pad}) agrees with stock, ties included`, async () => {
      const runs = await stockCpuFastCpuFastWasm(() =>
        tf.tidy(() => {
          // relu-like input: many exact ties (zeros), where the gradient must go to the first max.
          const x = tf.relu(randomTensor([3, height, width, 5], 4)) as tf.Tensor4D;
          const f = (v: tf.Tensor): tf.Tensor => tf.maxPool(v as tf.Tensor4D, [...pool], [...stride], pad);
          const r = randomTensor(f(x).shape, 5);
          const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), r)))(x);
          return [dx.dataSync() as Float32Array];
        }),
      );
      // Overlapping windows sum into one dx in another order than stock: rounding only (a wrong tie is O(1)).
      assertAllClose(runs, 1e-6, 'maxPoolGrad');
    });
  }

  it('Tile agrees with stock (BatchNorm gradient broadcast, inner and outer reps)', async () => {
    const runs = await stockCpuFastCpuFastWasm(() =>
      tf.tidy(() =>
        [
          tf.tile(randomTensor([1, 1, 1, 16], 7), [4, 6, 5, 1]),
          tf.tile(randomTensor([2, 3], 8), [3, 2]),
          tf.tile(randomTensor([5], 9), [4]),
        ].map((t) => t.dataSync() as Float32Array),
      ),
    );
    assertAllClose(runs, 0, 'tile');
  });

  it('Sum and Mean over leading axes agree with stock; other axes and int32 fall through', async () => {
    const runs = await stockCpuFastCpuFastWasm(() =>
      tf.tidy(() => {
        const x = randomTensor([4, 7, 5, 16], 10);
        return [
          tf.sum(x, [0, 1, 2]),
          tf.sum(x, [2, 0, 1], true),
          tf.mean(x, [0, 1, 2]),
          tf.mean(x, 0, true),
          tf.sum(x, [1, 2]),
          tf.mean(x, -1),
          tf.sum(x),
          tf.moments(x, [0, 1, 2]).variance,
        ].map((t) => t.dataSync() as Float32Array);
      }),
    );
    assertAllClose(runs, 1e-5, 'sum/mean');
    assert.deepEqual(
      Array.from(
        tf
          .sum(
            tf.tensor2d(
              [
                [1, 2],
                [3, 4],
              ],
              [2, 2],
              'int32',
            ),
            0,
          )
          .dataSync(),
      ),
      [4, 6],
    );
    assert.deepEqual(tf.sum(randomTensor([3, 2], 1), 0, true).shape, [1, 2]);
  });

  it('Sum and Mean below rank 4 (Dense and Conv1D bias gradients) are the stock kernels, bit for bit', () => {
    const f = (): Float32Array[] =>
      tf.tidy(() =>
        [tf.sum(randomTensor([32, 100, 64], 11), [0, 1]), tf.mean(randomTensor([32, 257], 12), 0)].map(
          (t) => t.dataSync() as Float32Array,
        ),
      );
    const stock = withFastKernels(false, f);
    const fast = withFastKernels(true, f);
    fast.forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(stock[i]), `output ${i}`));
  });

  it('Identity (tf.clone) shares the data without a copy: the clone outlives its source, memory is freed with both', () => {
    const before = tf.memory().numDataBuffers;
    const x = randomTensor([4, 6, 5, 3], 71);
    const expected = x.dataSync().slice();
    const y = tf.clone(x);
    assert.equal(tf.memory().numDataBuffers, before + 1, 'one buffer for both tensors');
    x.dispose();
    assert.deepEqual(y.dataSync(), expected);
    y.dispose();
    assert.equal(tf.memory().numDataBuffers, before);
  });

  it('a Cast to the same dtype shares the data; a Cast to another dtype converts as stock does', () => {
    const before = tf.memory().numDataBuffers;
    const x = randomTensor([5, 7], 72);
    const same = tf.cast(x, 'float32');
    assert.equal(tf.memory().numDataBuffers, before + 1, 'one buffer for both tensors');
    assert.deepEqual(same.dataSync(), x.dataSync());
    const ints = tf.cast(tf.mul(x, 10), 'int32');
    const stock = withFastKernels(false, () => tf.cast(tf.mul(x, 10), 'int32'));
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(ints.dataSync(), stock.dataSync());
    tf.dispose([x, same, ints, stock]);
  });

  it('Reverse along one or several axes agrees with stock', async () => {
    const runs = await stockCpuFastCpuFastWasm(() =>
      tf.tidy(() => {
        const x = randomTensor([3, 4, 5], 6);
        return [tf.reverse(x, 1), tf.reverse(x, [0, -1]), tf.reverse(randomTensor([7], 1))].map(
          (t) => t.dataSync() as Float32Array,
        );
      }),
    );
    assertAllClose(runs, 0, 'reverse');
    const ints = tf.tensor1d([1, 2, 3], 'int32');
    assert.deepEqual(
      Array.from(tf.reverse(ints).dataSync()),
      [3, 2, 1],
      'int32 falls back to the stock kernel',
    );
    ints.dispose();
  });
});
