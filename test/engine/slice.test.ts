import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { randomArray, setUpEngine, withFastKernels } from './helpers';

/** The engine's result and stock wasm's for f, as plain arrays with their shapes. */
function bothWays(f: () => tf.Tensor | tf.Tensor[]): { ours: unknown[]; stock: unknown[] } {
  const run = (on: boolean) =>
    withFastKernels(on, () =>
      tf.tidy(() => {
        const out = f();
        return (Array.isArray(out) ? out : [out]).map((t) => ({
          shape: t.shape,
          values: Array.from(t.dataSync()),
        }));
      }),
    );
  return { ours: run(true), stock: run(false) };
}

describe('engine Slice and SplitV read the wasm heap in place', () => {
  before(setUpEngine);

  const x4 = () => tf.tensor4d(randomArray(3 * 5 * 4 * 6, 7), [3, 5, 4, 6]);
  const cases: [string, () => tf.Tensor][] = [
    ['a contiguous batch of rows (predict batches)', () => tf.slice(x4(), [1, 0, 0, 0], [2, -1, -1, -1])],
    [
      'the last time step of a sequence (LSTM without returnSequences)',
      () => tf.slice(tf.tensor3d(randomArray(4 * 9 * 8, 3), [4, 9, 8]), [0, 8, 0], [4, 1, 8]),
    ],
    ['an inner window on every axis', () => tf.slice(x4(), [1, 2, 1, 3], [2, 2, 2, 2])],
    ['a range of the last axis only', () => tf.slice(x4(), [0, 0, 0, 2], [-1, -1, -1, 3])],
    [
      'a 5-D block whose two trailing axes are whole',
      () =>
        tf.slice(
          tf.tensor(randomArray(2 * 3 * 4 * 2 * 3, 5), [2, 3, 4, 2, 3]),
          [1, 1, 1, 0, 0],
          [1, 2, 2, 2, 3],
        ),
    ],
    [
      'int32 values',
      () => tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3], 'int32'), [1, 1], [2, 2]),
    ],
    ['an empty slice', () => tf.slice(x4(), [0, 0, 0, 0], [0, 5, 4, 6])],
  ];
  for (const [what, f] of cases) {
    it(`Slice of ${what} equals the stock kernel bit for bit`, () => {
      const { ours, stock } = bothWays(f);
      assert.deepEqual(ours, stock);
    });
  }

  it('SplitV into equal parts and into given sizes (a concat gradient) equals the stock kernel bit for bit', () => {
    const x = () => tf.tensor3d(randomArray(4 * 6 * 10, 11), [4, 6, 10]);
    for (const f of [
      () => tf.split(x(), 2, 2),
      () => tf.split(x(), [1, -1, 2], 1),
      () => tf.split(x(), [3, 1], 0),
    ]) {
      const { ours, stock } = bothWays(f);
      assert.deepEqual(ours, stock);
    }
  });

  it('a slice taken after the heap grew still reads its source correctly', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(randomArray(64 * 32, 13), [64, 32]);
      const expected = Array.from(x.dataSync().slice(10 * 32, 20 * 32));
      // Allocate well past the current heap so the next allocation grows it.
      const big = tf.zeros([64 << 20]);
      const y = tf.slice(x, [10, 0], [10, 32]);
      assert.deepEqual(Array.from(y.dataSync()), expected);
      big.dispose();
    });
  });
});
