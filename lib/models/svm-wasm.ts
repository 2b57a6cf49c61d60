/**
 * The engine's shared WebAssembly runtime (worker threads included) for the SVM's distance kernel
 * (lib/engine/wasm/svm.c), or null where the TypeScript loops run: kernels.wasm not built, a module built
 * before the kernel existed, or SER_WASM_SVM=0. The browser bundle swaps this module for
 * lib/browser/svm-wasm.ts (no node:fs there).
 */
import { getRuntime, type WasmRuntime } from '../engine/runtime';

export function svmRuntime(): WasmRuntime | null {
  if (process.env.SER_WASM_SVM === '0') return null;
  const rt = getRuntime();
  return rt && typeof rt.kernels.rbf_kernel_rows === 'function' ? rt : null;
}
