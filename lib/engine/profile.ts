/**
 * Per-op profile of tfjs work: wall ms and calls per kernel name on the current backend, and the copies
 * the engine makes between tfjs tensors and its own wasm memory. Kernels on the wasm and cpu backends
 * run synchronously, so a kernel's wall time is its cost; the rest of a step (tfjs-layers and tape
 * bookkeeping, the fused LSTM's JS) shows up as `otherMs`.
 */
import * as tf from '@tensorflow/tfjs';
import { copyStats } from './io';

export interface OpProfile {
  calls: number;
  /** Wall ms. */
  ms: number;
  /** Process CPU ms (every thread): what the op costs when other jobs share the CPU. */
  cpuMs: number;
}

export interface Profile {
  /** Wall ms of the whole profiled call. */
  totalMs: number;
  /** Process CPU ms of the whole profiled call. */
  totalCpuMs: number;
  /** Sum of kernel CPU ms. */
  kernelCpuMs: number;
  /** Sum of kernel ms. */
  kernelMs: number;
  /** totalMs - kernelMs: JS outside kernels. */
  otherMs: number;
  /** Per kernel name, sorted by CPU ms, descending. */
  ops: Record<string, OpProfile>;
  /** Copies between tfjs tensors and the engine's memory: count and MB, each way. */
  copies: { in: number; inMB: number; out: number; outMB: number };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Runs f once with every kernel of the current backend wrapped in a timer; restores the kernels after.
 * Kernels calling other kernels through the registry would be counted twice; the wasm and cpu backends'
 * kernels call each other directly, and engine kernels call their stock kernel by closure.
 */
export async function profileOps(f: () => Promise<void>): Promise<Profile> {
  const backendName = tf.getBackend();
  const configs = tf.getKernelsForBackend(backendName);
  const ops: Record<string, OpProfile> = {};
  for (const config of configs) {
    const inner = config.kernelFunc;
    const op: OpProfile = (ops[config.kernelName] = { calls: 0, ms: 0, cpuMs: 0 });
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          return inner(args);
        } finally {
          op.calls++;
          op.ms += performance.now() - t0;
          op.cpuMs += cpuMsSince(c0);
        }
      },
    });
  }
  const before = { ...copyStats };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await f();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  const totalMs = performance.now() - t0;
  const totalCpuMs = cpuMsSince(c0);
  const used = Object.entries(ops)
    .filter(([, o]) => o.calls > 0)
    .sort((a, b) => b[1].cpuMs - a[1].cpuMs)
    .map(([k, o]): [string, OpProfile] => [k, { calls: o.calls, ms: round2(o.ms), cpuMs: round2(o.cpuMs) }]);
  const kernelMs = used.reduce((s, [, o]) => s + o.ms, 0);
  const kernelCpuMs = used.reduce((s, [, o]) => s + o.cpuMs, 0);
  const mb = (bytes: number): number => Math.round((bytes / 1048576) * 100) / 100;
  return {
    totalMs: round2(totalMs),
    totalCpuMs: round2(totalCpuMs),
    kernelMs: round2(kernelMs),
    kernelCpuMs: round2(kernelCpuMs),
    otherMs: round2(totalMs - kernelMs),
    ops: Object.fromEntries(used),
    copies: {
      in: copyStats.in - before.in,
      inMB: mb(copyStats.inBytes - before.inBytes),
      out: copyStats.out - before.out,
      outMB: mb(copyStats.outBytes - before.outBytes),
    },
  };
}
