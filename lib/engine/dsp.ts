/**
 * The signal-processing kernels of kernels.wasm (STFT/ISTFT frame loops, phase vocoder, polyphase
 * resampling) for lib/features, lib/augment and lib/audio. Each is bit-identical to the TypeScript it
 * stands in for, which stays in charge when kernels.wasm was not built (no clang), cannot load, or
 * SER_WASM_DSP=0 / {@link setWasmDspEnabled}(false); tests and benches compare both in one process.
 *
 * They run in a single-threaded runtime of their own: the engine's shared runtime starts worker threads,
 * which one STFT does not need. Calls copy their inputs in and their outputs out (the memory is scratch,
 * reset on every call). The browser bundle swaps this module for lib/browser/dsp.ts (no node:fs there).
 */
import { findKernelsWasm, WasmRuntime } from './runtime';

let enabled = process.env.SER_WASM_DSP !== '0';
let runtime: WasmRuntime | null | undefined;

/** Use (default) or bypass the WebAssembly DSP kernels. */
export function setWasmDspEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Most scratch one call may take. The memory never shrinks, so a one-off huge input (an hour of audio)
 * runs in TypeScript rather than leave the process holding gigabytes (the module's limit is 2 GiB).
 */
const MAX_CALL_BYTES = 256 * 2 ** 20;

/**
 * The DSP runtime, reset for a new call that needs about `bytes` of scratch; null where the TypeScript
 * paths must run.
 */
export function dspRuntime(bytes = 0): WasmRuntime | null {
  if (!enabled || bytes > MAX_CALL_BYTES) return null;
  if (runtime === undefined) {
    const file = findKernelsWasm();
    try {
      runtime = file ? new WasmRuntime(file, 1) : null;
    } catch {
      runtime = null;
    }
    // A kernels.wasm built before the DSP kernels existed.
    if (runtime && typeof runtime.kernels.rfft_f64 !== 'function') runtime = null;
  }
  runtime?.reset();
  return runtime;
}
