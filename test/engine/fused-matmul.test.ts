import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { assertClose, onBackend, randomTensor, setUpEngine, withFastKernels } from './helpers';

describe('engine _FusedMatMul (tfjs-layers Dense)', () => {
  before(setUpEngine);

  const cases: [number[], number[], boolean, 'relu' | 'linear', boolean][] = [
    [[32, 1280], [1280, 256], false, 'relu', true], // seed001's Dense: on the engine
    [[64, 700], [700, 96], false, 'linear', true],
    [[48, 900], [96, 900], true, 'relu', false],
    [[32, 128], [128, 128], false, 'relu', true], // small: the stock kernel
  ];
  for (const [sa, sb, transposeB, activation, withBias] of cases) {
    it(`${JSON.stringify(sa)} · ${JSON.stringify(sb)}${transposeB ? 'ᵀ' : ''} ${withBias ? '+ bias ' : ''}then ${activation}, and its gradients, agree with stock cpu`, async () => {
      const f = () =>
        tf.tidy(() => {
          const a = randomTensor(sa, 1);
          const b = randomTensor(sb, 2);
          const n = transposeB ? sb[0] : sb[1];
          const bias = withBias ? randomTensor([n], 3) : undefined;
          const y = tf.fused.matMul({ a, b, transposeB, bias, activation });
          const r = randomTensor(y.shape, 4);
          const grads = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
            tf.sum(tf.mul(tf.fused.matMul({ a: x, b: w, transposeB, bias, activation }), r)),
          )([a, b]);
          return [y, ...grads].map((t) => t.dataSync() as Float32Array);
        });
      const stock = await onBackend('cpu', () => withFastKernels(false, f));
      const engine = withFastKernels(true, f);
      // Sums of up to 1280 products in another order: 1e-4 relative to 1 + |value|.
      engine.forEach((out, i) => assertClose(out, stock[i], 1e-4, `output ${i}`));
    });
  }
});
