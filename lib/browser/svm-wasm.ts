/**
 * The browser build's lib/models/svm-wasm.ts (scripts/build.js substitutes it when bundling): the page has
 * no node:fs to load kernels.wasm, so the SVM's kernel rows run in TypeScript there.
 */
import type { WasmRuntime } from '../engine/runtime';

export function svmRuntime(): WasmRuntime | null {
  return null;
}
