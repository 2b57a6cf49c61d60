/**
 * The browser build's lib/engine/dsp.ts (scripts/build.js substitutes it when bundling): that module loads
 * kernels.wasm from disk with node:fs, so in the page the STFT/ISTFT, phase vocoder and resampler run
 * their TypeScript loops, which the WebAssembly kernels match bit for bit.
 */
import type { WasmRuntime } from '../engine/runtime';

export function setWasmDspEnabled(_on: boolean): void {}

export function dspRuntime(_bytes = 0): WasmRuntime | null {
  return null;
}
