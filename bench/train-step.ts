/**
 * Training-step bench (issue 5): ms per Adam training step and per predict, batch 32, for the
 * seed-000 … seed-003 models, best and best-cnn2d (2-D convolutions) on
 *   - the engine (tfjs wasm backend + lib/engine kernels),
 *   - stock tfjs wasm (which cannot train a Conv1D or Conv2D: it has no Conv2DBackpropFilter kernel),
 *   - stock tfjs cpu (pure JS),
 *   - PyTorch (Debian python3-torch, same architecture, 2 threads), run by this bench in the same run.
 * Times are medians over the timed steps (20 training steps, 100 predicts). Prints one JSON object with the ratios. A full run times the engine and
 * PyTorch (20 steps each); `--stock` adds the stock wasm and cpu columns (pure-JS training of the LSTM networks
 * takes minutes per step: a run with them takes over 20 minutes); `--quick` runs fewer steps and skips stock cpu
 * training; `--profile` adds the engine's per-op profile of one step and one predict (see lib/engine/profile.ts);
 * `--models a,b` times only those models.
 *
 *   npx tsc -p . && node dist/bench/train-step.js [--quick] [--stock] [--profile] [--models seed001,best-cnn2d]
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '../lib/backend';
import { engineInfo, setFastKernelsEnabled } from '../lib/engine';
import { profileOps, type Profile } from '../lib/engine/profile';
import { benchModels, stepHarness, type BenchModel } from './step-models';

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
const withStock = process.argv.includes('--stock');
const modelsArg = process.argv.indexOf('--models');
const only = modelsArg > 0 ? (process.argv[modelsArg + 1] ?? '').split(',').filter(Boolean) : null;
const BATCH = 32;
const STEPS = quick ? 5 : 20;
/** Predicts are cheap and their medians swayed by the machine: five times as many timed (both sides). */
const PREDICT_STEPS = quick ? 5 : 100;
const WARMUP = quick ? 2 : 3;
const TORCH_THREADS = 2;
const root = path.resolve(__dirname, '..', '..');

interface Timing {
  train_ms: number | null;
  predict_ms: number | null;
  /** Process CPU ms (all threads) per call, median: less swayed by other jobs than wall time. */
  train_cpu_ms?: number | null;
  predict_cpu_ms?: number | null;
  note?: string;
  profile?: { train: Profile | null; predict: Profile };
}

const MODELS = benchModels(only ?? []);

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};

/** Median wall ms and process CPU ms per call over n calls: robust to other processes sharing the CPU. */
async function timeCall(n: number, f: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** ms per trainOnBatch and per predict on the current backend; training may be skipped or fail. */
async function timeTfjs(
  spec: BenchModel,
  steps: number,
  warmup: number,
  train: boolean,
  withProfile = false,
  predictSteps = steps,
): Promise<Timing> {
  const harness = stepHarness(spec, BATCH);
  const { step, predict } = harness;
  const out: Timing = { train_ms: null, predict_ms: null };
  try {
    if (train) {
      try {
        await timeCall(warmup, step);
        const t = await timeCall(steps, step);
        out.train_ms = t.wall;
        out.train_cpu_ms = t.cpu;
      } catch (err) {
        out.note = `cannot train: ${(err as Error).message}`;
      }
    }
    await timeCall(warmup, predict);
    const p = await timeCall(predictSteps, predict);
    out.predict_ms = p.wall;
    out.predict_cpu_ms = p.cpu;
    if (withProfile) {
      out.profile = {
        train: out.train_ms === null ? null : await profileOps(step),
        predict: await profileOps(predict),
      };
    }
  } finally {
    harness.dispose();
  }
  return out;
}

function timeTorch(
  model: string,
  steps: number,
  warmup: number,
  predictSteps: number,
): Timing & { torch?: string } {
  const script = path.join(root, 'bench', 'reference', 'train_step_torch.py');
  const args = [script, '--model', model, '--steps', String(steps), '--warmup', String(warmup)];
  args.push('--predict-steps', String(predictSteps));
  const r = spawnSync(
    '/usr/bin/python3',
    [...args, '--threads', String(TORCH_THREADS), '--batch', String(BATCH)],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    return {
      train_ms: null,
      predict_ms: null,
      note: `PyTorch reference failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
    };
  }
  const parsed = JSON.parse(r.stdout) as Record<string, Timing> & { torch: string };
  return { ...parsed[model], torch: parsed.torch };
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : Math.round((a / b) * 1000) / 1000;
const r1 = (x: number | null | undefined): number | null | undefined =>
  x === null || x === undefined ? x : Math.round(x * 10) / 10;
const round = (t: Timing): Timing => ({
  ...t,
  train_ms: r1(t.train_ms) ?? null,
  predict_ms: r1(t.predict_ms) ?? null,
  train_cpu_ms: r1(t.train_cpu_ms),
  predict_cpu_ms: r1(t.predict_cpu_ms),
});

const loadAvg = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);

async function main(): Promise<void> {
  const loadAtStart = loadAvg();
  const backend = await initBackend({ prefer: 'wasm' });
  const results: Record<string, unknown> = {};
  let torchVersion = '';
  for (const spec of MODELS) {
    setFastKernelsEnabled(true);
    const engine = await timeTfjs(spec, STEPS, WARMUP, true, profile, PREDICT_STEPS);
    const torch = timeTorch(spec.name, STEPS, WARMUP, PREDICT_STEPS);
    torchVersion = torch.torch ?? torchVersion;
    delete torch.torch;
    const skipped: Timing = { train_ms: null, predict_ms: null, note: 'not timed (--stock times it)' };
    let stockWasm = skipped;
    let stockCpu = skipped;
    if (withStock) {
      setFastKernelsEnabled(false);
      stockWasm = await timeTfjs(spec, quick ? 2 : 5, 1, true);
      await tf.setBackend('cpu');
      // Pure-JS training takes seconds per step: a few steps suffice, none in --quick.
      stockCpu = await timeTfjs(spec, quick ? 1 : 2, 1, !quick);
      if (quick) stockCpu.note = 'training not timed in --quick';
      await tf.setBackend('wasm');
      setFastKernelsEnabled(true);
    }
    results[spec.name] = {
      engine: round(engine),
      stock_wasm: round(stockWasm),
      stock_cpu: round(stockCpu),
      pytorch: round(torch),
      ratios: {
        train_engine_over_pytorch: ratio(engine.train_ms, torch.train_ms),
        predict_engine_over_pytorch: ratio(engine.predict_ms, torch.predict_ms),
        train_cpu_engine_over_pytorch: ratio(engine.train_cpu_ms ?? null, torch.train_cpu_ms ?? null),
        predict_cpu_engine_over_pytorch: ratio(engine.predict_cpu_ms ?? null, torch.predict_cpu_ms ?? null),
        train_stock_cpu_over_engine: ratio(stockCpu.train_ms, engine.train_ms),
        predict_stock_wasm_over_engine: ratio(stockWasm.predict_ms, engine.predict_ms),
      },
    };
  }
  const report = {
    bench: 'train-step',
    quick,
    batch: BATCH,
    steps: STEPS,
    predict_steps: PREDICT_STEPS,
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? '',
      node: process.version,
      /** 1, 5 and 15 minute load averages before the run (idle: below 1) and after it (the bench's own 2 threads). */
      loadavg_at_start: loadAtStart,
      loadavg: loadAvg(),
    },
    tfjs: { backend: backend.name, version: backend.tfjsVersion },
    engine: engineInfo().summary,
    pytorch: { version: torchVersion, threads: TORCH_THREADS },
    target: 'train and predict engine_over_pytorch <= 1 on every model (idle machine)',
    models: results,
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
