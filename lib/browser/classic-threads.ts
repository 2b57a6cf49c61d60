/**
 * The browser build's lib/models/classic-threads.ts (scripts/build.js substitutes it when bundling): no node:fs
 * to load kernels.wasm and no worker_threads, so the classic models run their TypeScript on the page's thread.
 */
import type { WasmRuntime } from '../engine/runtime';
import type { ClassicJob } from '../models/classic-worker';

export function svmRuntime(): WasmRuntime | null {
  return null;
}

export function svmKernelModule(): { module: WebAssembly.Module; heapBase: number } | null {
  return null;
}

export function classicPool(): {
  run<R>(job: ClassicJob, work: () => R): { own: R; workers: unknown[] };
} | null {
  return null;
}
