/**
 * Native training ops A/B (issue 20): process CPU ms of the engine's Dropout / GaussianNoise loops in C vs in
 * JS (and ReLU forward + gradient native vs stock) on one [32, 43, 32, 16] activation, and of whole training
 * steps (batch 32, Adam) with each native route on and off: the noise loops (`setNativeNoiseEnabled`), the
 * fused Adam update (`setFusedAdamEnabled`) and ReLU (`setNativeReluEnabled`, also per predict).
 * Every comparison alternates the two settings round by round in this one process (the machine is shared, so
 * only same-run ratios mean anything); prints one JSON object with min / median CPU ms, the ratios
 * native ÷ JS and the load average.
 *
 *   node dist/bench/train-ops.js [--rounds 6] [--models best-cnn2d,seed001]
 */
import * as os from 'node:os';
import { initBackend, tf } from '../lib/backend';
import {
  dropoutTrain,
  engineInfo,
  gaussianNoiseTrain,
  setFusedAdamEnabled,
  setNativeNoiseEnabled,
  setNativeReluEnabled,
} from '../lib/engine';
import { benchModels, stepHarness } from './step-models';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(arg('--rounds') ?? 6);
const models = (arg('--models') ?? 'best-cnn2d,seed001,seed003').split(',');

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const round2 = (x: number): number => Math.round(x * 100) / 100;

async function cpuMs(f: () => Promise<void> | void): Promise<number> {
  const c0 = process.cpuUsage();
  await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

interface AB {
  native_min: number;
  native_median: number;
  js_min: number;
  js_median: number;
  ratio_min: number;
  ratio_median: number;
}

/** Alternating rounds of `per` calls each with set(true) and set(false); CPU ms per call. */
async function ab(set: (on: boolean) => void, per: number, call: () => Promise<void> | void): Promise<AB> {
  const t: Record<'on' | 'off', number[]> = { on: [], off: [] };
  try {
    for (let r = 0; r < ROUNDS; r++)
      for (const on of r % 2 ? [false, true] : [true, false]) {
        set(on);
        await call(); // untimed: the first call after a switch
        for (let i = 0; i < per; i++) t[on ? 'on' : 'off'].push(await cpuMs(call));
      }
  } finally {
    set(true);
  }
  const [nm, nmed, jm, jmed] = [Math.min(...t.on), median(t.on), Math.min(...t.off), median(t.off)];
  return {
    native_min: round2(nm),
    native_median: round2(nmed),
    js_min: round2(jm),
    js_median: round2(jmed),
    ratio_min: round2(nm / jm),
    ratio_median: round2(nmed / jmed),
  };
}

/** The three native routes together. */
function setAll(on: boolean): void {
  setNativeNoiseEnabled(on);
  setFusedAdamEnabled(on);
  setNativeReluEnabled(on);
}

async function main(): Promise<void> {
  await initBackend({ prefer: 'wasm' });
  const info = engineInfo();
  const out: Record<string, unknown> = { engine: info.summary, native: info.native, rounds: ROUNDS };
  const x = tf.randomNormal([32, 43, 32, 16]);
  const op = (f: (t: tf.Tensor) => tf.Tensor) => () => {
    tf.tidy(() => f(x)).dispose();
  };
  out.activation = {
    shape: [32, 43, 32, 16],
    dropout_forward: await ab(
      setNativeNoiseEnabled,
      5,
      op((t) => dropoutTrain(t, 0.3)),
    ),
    gaussian_noise_forward: await ab(
      setNativeNoiseEnabled,
      5,
      op((t) => gaussianNoiseTrain(t, 0.1)),
    ),
  };
  x.dispose();
  // ReLU forward and gradient on best-cnn2d's first block.
  const big = tf.randomNormal([32, 87, 64, 16]);
  out.relu_forward_and_gradient_32x87x64x16 = await ab(setNativeReluEnabled, 5, () => {
    tf.tidy(() => tf.grad((a: tf.Tensor) => tf.relu(a))(big, big)).dispose();
  });
  big.dispose();
  const steps: Record<string, unknown> = {};
  for (const spec of benchModels(models)) {
    const harness = stepHarness(spec);
    const { model, x: xs, y: ys, step } = harness;
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
    for (let i = 0; i < 3; i++) await step();
    // applyGradients alone, on one step's gradients (the weights drift; the work per call does not).
    const optimizer = model.optimizer;
    const loss = (): tf.Scalar =>
      tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
    const { grads, value } = tf.variableGrads(loss);
    value.dispose();
    const apply = ab(setFusedAdamEnabled, 10, () => optimizer.applyGradients(grads));
    const adamApply = await apply;
    tf.dispose(grads);
    steps[spec.name] = {
      adam_apply_gradients: adamApply,
      noise_native_vs_js: await ab(setNativeNoiseEnabled, 4, step),
      adam_fused_vs_stock: await ab(setFusedAdamEnabled, 4, step),
      relu_native_vs_stock: await ab(setNativeReluEnabled, 4, step),
      all_three_vs_none: await ab(setAll, 4, step),
      predict_relu_native_vs_stock: await ab(setNativeReluEnabled, 6, () => {
        tf.tidy(() => model.predict(xs) as tf.Tensor).dispose();
      }),
    };
    harness.dispose();
  }
  out.train_step_cpu_ms = steps;
  out.loadavg = os.loadavg().map(round2);
  console.log(JSON.stringify(out, null, 1));
}

main().catch((err: unknown) => {
  console.error(`train-ops: ${(err as Error).message}`);
  process.exit(1);
});
