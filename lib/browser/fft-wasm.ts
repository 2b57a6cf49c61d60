/**
 * The browser build's lib/features/fft-wasm.ts (scripts/build.js substitutes it when bundling): that module
 * loads kernels.wasm from disk with node:fs, so in the page the STFT runs fft.ts's TypeScript frame loops,
 * which the WebAssembly ones match bit for bit.
 */
import type { FrameKernels } from '../features/fft-wasm';

export type { FrameKernels };

export function setWasmFftEnabled(_on: boolean): void {}

export function wasmFrameKernels(_n: number): FrameKernels | null {
  return null;
}
