/**
 * The zoo networks the engine benches time (bench/train-step, native-heap, train-ops), at the input shapes their
 * feature sets give, and one fixed random batch's Adam training step and predict for each.
 */
import { tf } from '../lib/backend';
import { buildBest } from '../lib/models/best';
import { buildCnn2d } from '../lib/models/cnn2d';
import { predictTensor } from '../lib/models/inference';
import { buildSeed000 } from '../lib/models/seed000';
import { buildSeed001 } from '../lib/models/seed001';
import { buildSeed002 } from '../lib/models/seed002';
import { buildSeed003 } from '../lib/models/seed003';

export type BenchModelName = 'seed000' | 'seed001' | 'seed002' | 'seed003' | 'best' | 'best-cnn2d';

export interface BenchModel {
  name: BenchModelName;
  build: () => tf.LayersModel;
  inputShape: [number, number];
}

export const BENCH_MODELS: readonly BenchModel[] = [
  { name: 'seed000', build: () => buildSeed000({}, [128, 40], 7), inputShape: [128, 40] },
  { name: 'seed001', build: () => buildSeed001({}, [87, 128], 7), inputShape: [87, 128] },
  { name: 'seed002', build: () => buildSeed002({}, [128, 42], 7), inputShape: [128, 42] },
  { name: 'seed003', build: () => buildSeed003({}, [128, 42], 7), inputShape: [128, 42] },
  { name: 'best', build: () => buildBest({}, [87, 128], 7), inputShape: [87, 128] },
  { name: 'best-cnn2d', build: () => buildCnn2d({}, [87, 64], 7), inputShape: [87, 64] },
];

/** The models named (all when names is empty); an unknown name throws, listing the known ones. */
export function benchModels(names: readonly string[]): BenchModel[] {
  const known = BENCH_MODELS.map((m) => m.name as string);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown model ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return BENCH_MODELS.filter((m) => names.length === 0 || names.includes(m.name));
}

/**
 * A built model with one random batch: `step` trains on it once, `predict` predicts it (as every prediction path of
 * the toolkit does, lib/models/inference predictTensor) and reads the result.
 */
export interface StepHarness {
  model: tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
  step(): Promise<void>;
  predict(): Promise<void>;
  dispose(): void;
}

export function stepHarness(spec: BenchModel, batch = 32): StepHarness {
  const model = spec.build();
  const x = tf.randomNormal([batch, ...spec.inputShape]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 7, 'int32') as tf.Tensor1D, 7);
  return {
    model,
    x,
    y,
    step: async () => {
      await model.trainOnBatch(x, y);
    },
    predict: async () => {
      const p = predictTensor(model, x);
      await p.data();
      p.dispose();
    },
    dispose: () => {
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}
