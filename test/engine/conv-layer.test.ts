import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { installFusedConv1d, uninstallFusedConv1d } from '../../lib/engine';
import { assertClose, randomArray, setUpEngine } from './helpers';

/** Output and weight gradients of one Conv1D layer on a fixed input and loss. */
async function run(config: Parameters<typeof tf.layers.conv1d>[0], fused: boolean) {
  if (fused) installFusedConv1d(() => true);
  else uninstallFusedConv1d();
  try {
    const kernels = (
      await tf.profile(() => {
        const layer = tf.layers.conv1d(config);
        return layer.apply(tf.zeros([1, 9, 6])) as tf.Tensor;
      })
    ).kernelNames;
    const result = tf.tidy(() => {
      const layer = tf.layers.conv1d(config);
      const x = tf.tensor3d(randomArray(3 * 17 * 6, 5), [3, 17, 6]);
      layer.build(x.shape);
      layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(randomArray(w.size, 40 + i), w.shape)));
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const outShape = (layer.apply(x) as tf.Tensor).shape;
      const probe = tf.tensor(
        randomArray(
          outShape.reduce((a, b) => a * b, 1),
          9,
        ),
        outShape,
      );
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, probe)) as tf.Scalar,
      );
      return {
        y: Array.from((layer.apply(x) as tf.Tensor).dataSync()),
        loss: value.dataSync()[0],
        grads: weights.map((w) => Array.from(grads[w.name].dataSync())),
      };
    });
    return { ...result, kernels };
  } finally {
    installFusedConv1d(() => true);
  }
}

describe('tfjs-layers Conv1D as one FusedConv2D', () => {
  before(setUpEngine);

  const configs: Parameters<typeof tf.layers.conv1d>[0][] = [
    { filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' },
    { filters: 4, kernelSize: 3, padding: 'valid', strides: 2, activation: 'relu' },
    { filters: 5, kernelSize: 3, padding: 'same', useBias: false },
  ];
  for (const config of configs) {
    it(`computes the layer's output and weight gradients as tfjs-layers does (${JSON.stringify(config)})`, async () => {
      const stock = await run(config, false);
      const fused = await run(config, true);
      assert.ok(
        fused.kernels.includes('FusedConv2D') && !fused.kernels.includes('Conv2D'),
        fused.kernels.join(),
      );
      assert.ok(
        stock.kernels.includes('Conv2D') && !stock.kernels.includes('FusedConv2D'),
        stock.kernels.join(),
      );
      assert.deepEqual(fused.y, stock.y, 'outputs are the same arithmetic, bit for bit');
      assertClose([fused.loss], [stock.loss], 1e-6, 'loss');
      assert.equal(fused.grads.length, stock.grads.length);
      fused.grads.forEach((g, i) => assertClose(g, stock.grads[i], 1e-5, `gradient ${i}`));
    });
  }

  it('leaves other activations on tfjs-layers path (a tanh Conv1D still trains)', async () => {
    const a = await run({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }, true);
    const b = await run({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }, false);
    assert.ok(!a.kernels.includes('FusedConv2D'), a.kernels.join());
    assert.deepEqual(a.y, b.y);
    a.grads.forEach((g, i) => assert.deepEqual(g, b.grads[i]));
  });
});
