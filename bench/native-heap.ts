/**
 * In-place bench: the engine's kernels natively on the tfjs wasm heap (no copies) vs the copy path (inputs
 * copied into the engine's memory, outputs back), in one process, alternating rounds so machine load hits both
 * alike. Per model: process CPU ms and wall ms per Adam training step (batch 32) and per predict, min and median
 * over every round's steps, the in-place ÷ copy ratios, and MB copied per step. Prints one JSON object.
 *
 *   npx tsc -p . && node dist/bench/native-heap.js [--rounds 6] [--steps 4] [--models best-cnn2d,seed001]
 */
import * as os from 'node:os';
import { initBackend } from '../lib/backend';
import { getRuntime } from '../lib/engine';
import { copyStats } from '../lib/engine/io';
import { benchModels, stepHarness } from './step-models';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const ROUNDS = Number(arg('--rounds', '6'));
const STEPS = Number(arg('--steps', '4'));
const BATCH = 32;

const only = arg('--models', '').split(',').filter(Boolean);
const SELECTED = benchModels(only.length > 0 ? only : ['best-cnn2d', 'seed001', 'seed002']);

interface Samples {
  cpu: number[];
  wall: number[];
  mb: number[];
}

const stats = (xs: number[]): { min: number; median: number } => {
  const v = [...xs].sort((a, b) => a - b);
  const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return { min: +v[0].toFixed(2), median: +mid.toFixed(2) };
};

async function sample(into: Samples, f: () => Promise<void>): Promise<void> {
  const bytes = copyStats.inBytes + copyStats.outBytes;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  into.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  into.cpu.push((c.user + c.system) / 1000);
  into.mb.push((copyStats.inBytes + copyStats.outBytes - bytes) / 1e6);
}

async function main(): Promise<void> {
  await initBackend({ prefer: 'wasm' });
  const rt = getRuntime();
  if (!rt?.nativeActive) throw new Error('native-heap bench: the native addon is not loaded');
  const loadBefore = os.loadavg();
  const results: Record<string, unknown> = {};
  for (const spec of SELECTED) {
    const harness = stepHarness(spec, BATCH);
    const { step, predict } = harness;
    const runs = {
      inPlace: { train: { cpu: [], wall: [], mb: [] }, predict: { cpu: [], wall: [], mb: [] } },
      copy: { train: { cpu: [], wall: [], mb: [] }, predict: { cpu: [], wall: [], mb: [] } },
    } as Record<'inPlace' | 'copy', Record<'train' | 'predict', Samples>>;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which path goes first so neither always follows the other's garbage.
      for (const path of round % 2 ? (['copy', 'inPlace'] as const) : (['inPlace', 'copy'] as const)) {
        rt.inPlace = path === 'inPlace';
        await step(); // warm-up after the switch
        for (let i = 0; i < STEPS; i++) await sample(runs[path].train, step);
        await predict();
        for (let i = 0; i < STEPS; i++) await sample(runs[path].predict, predict);
      }
    }
    rt.inPlace = true;
    const out: Record<string, unknown> = {};
    for (const call of ['train', 'predict'] as const) {
      const a = runs.inPlace[call];
      const b = runs.copy[call];
      const [ca, cb, wa, wb] = [stats(a.cpu), stats(b.cpu), stats(a.wall), stats(b.wall)];
      out[call] = {
        in_place: { cpu_ms: ca, wall_ms: wa, copied_mb: stats(a.mb).median },
        copy: { cpu_ms: cb, wall_ms: wb, copied_mb: stats(b.mb).median },
        cpu_ratio_median: +(ca.median / cb.median).toFixed(3),
        cpu_ratio_min: +(ca.min / cb.min).toFixed(3),
        wall_ratio_median: +(wa.median / wb.median).toFixed(3),
      };
    }
    results[spec.name] = out;
    harness.dispose();
  }
  const round2 = (v: number[]): number[] => v.map((n) => +n.toFixed(2));
  console.log(
    JSON.stringify(
      {
        rounds: ROUNDS,
        steps_per_round: STEPS,
        batch: BATCH,
        threads: rt.threads,
        loadavg_before: round2(loadBefore),
        loadavg_after: round2(os.loadavg()),
        models: results,
      },
      null,
      2,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(`native-heap bench: ${(err as Error).message}`);
  process.exit(1);
});
