/**
 * The browser build's lib/models/svm-node.ts (scripts/build.js substitutes it when bundling): no node:fs to
 * load kernels.wasm and no worker_threads, so the SVM runs its TypeScript loops on the page's thread.
 */
import type { WasmRuntime } from '../engine/runtime';
import type { PairJob } from '../models/svm-pair';

export function svmRuntime(): WasmRuntime | null {
  return null;
}

export function svmPairPool(): { run(job: PairJob, work: (job: PairJob) => void): void } | null {
  return null;
}
