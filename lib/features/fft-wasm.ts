/**
 * The frame loops of the STFT and ISTFT in WebAssembly SIMD (lib/engine/wasm/kernels.c: rfft_frames,
 * irfft_overlap_add) for power-of-two FFT sizes. The kernels run fft.ts's Radix2RealFft with its own
 * tables, operation for operation, so results are bit-identical to the TypeScript loops they replace;
 * those loops stay in charge when kernels.wasm was not built (no clang), cannot load, or
 * SER_WASM_FFT=0 / {@link setWasmFftEnabled}(false).
 */
import { findKernelsWasm, WasmRuntime } from '../engine/runtime';
import { Radix2RealFft, realFft } from './fft';

/** The batched frame transforms of one FFT size. */
export interface FrameKernels {
  /**
   * For t < frames: the spectrum of `window · signal[t·hop .. t·hop + n)` rounded to float32 into
   * `re`/`im` at `t · bins` (bins = n/2 + 1), as stft's TypeScript loop computes it.
   */
  stftFrames(
    signal: Float32Array,
    frames: number,
    hop: number,
    window: Float64Array,
    re: Float32Array,
    im: Float32Array,
  ): void;
  /** For t < frames: `sum[t·hop + j] += irfft(re_t + i·im_t)[j] · window[j]` (istft's overlap-add). */
  overlapAdd(
    re: Float32Array,
    im: Float32Array,
    frames: number,
    hop: number,
    window: Float64Array,
    sum: Float64Array,
  ): void;
}

let enabled = process.env.SER_WASM_FFT !== '0';
/** A single-threaded instance with its own memory (the engine's shared runtime starts worker threads). */
let runtime: WasmRuntime | null | undefined;
/** FFT size whose tables sit at the bottom of the runtime's heap (they survive `reset`, untouched). */
let tablesFor = 0;

/** Use (default) or bypass the WebAssembly frame loops; tests and benches compare both in one process. */
export function setWasmFftEnabled(on: boolean): void {
  enabled = on;
}

function dsp(): WasmRuntime | null {
  if (runtime === undefined) {
    const file = findKernelsWasm();
    try {
      runtime = file ? new WasmRuntime(file, 1) : null;
    } catch {
      runtime = null;
    }
    // A kernels.wasm built before these kernels existed.
    if (runtime && typeof runtime.kernels.rfft_frames !== 'function') runtime = null;
  }
  return runtime;
}

/** Byte offsets of one size's tables and scratch, allocated first after every reset. */
interface Layout {
  bitrev: number;
  cos: number;
  sin: number;
  tw: number;
  zr: number;
  zi: number;
}

function layout(rt: WasmRuntime, fft: Radix2RealFft): Layout {
  rt.reset();
  const half = fft.size >> 1;
  const at: Layout = {
    bitrev: rt.alloc(half),
    cos: rt.alloc(2 * (half + 1)),
    sin: rt.alloc(2 * (half + 1)),
    tw: rt.alloc(2 * fft.twiddles.length),
    zr: rt.alloc(2 * half),
    zi: rt.alloc(2 * half),
  };
  if (tablesFor !== fft.size) {
    const buffer = rt.memory.buffer;
    new Uint32Array(buffer, at.bitrev, half).set(fft.bitReverse);
    new Float64Array(buffer, at.cos, half + 1).set(fft.cosFull);
    new Float64Array(buffer, at.sin, half + 1).set(fft.sinFull);
    new Float64Array(buffer, at.tw, fft.twiddles.length).set(fft.twiddles);
    tablesFor = fft.size;
  }
  return at;
}

/** A float64 scratch buffer of n values: its byte offset. */
const allocF64 = (rt: WasmRuntime, n: number): number => rt.alloc(2 * n);

/** The WebAssembly frame loops for FFT size `n`, or null where the TypeScript loops must run. */
export function wasmFrameKernels(n: number): FrameKernels | null {
  if (!enabled) return null;
  const fft = realFft(n);
  if (!(fft instanceof Radix2RealFft)) return null;
  const rt = dsp();
  if (!rt) return null;
  const bins = (n >> 1) + 1;
  return {
    stftFrames(signal, frames, hop, window, re, im) {
      if (frames <= 0) return;
      const at = layout(rt, fft);
      const used = (frames - 1) * hop + n;
      const sig = rt.alloc(used);
      const win = allocF64(rt, n);
      const outRe = rt.alloc(frames * bins);
      const outIm = rt.alloc(frames * bins);
      const buffer = rt.memory.buffer;
      new Float32Array(buffer, sig, used).set(signal.subarray(0, used));
      new Float64Array(buffer, win, n).set(window);
      rt.kernels.rfft_frames(
        n,
        frames,
        hop,
        sig,
        win,
        at.bitrev,
        at.cos,
        at.sin,
        at.tw,
        at.zr,
        at.zi,
        outRe,
        outIm,
      );
      re.set(new Float32Array(buffer, outRe, frames * bins));
      im.set(new Float32Array(buffer, outIm, frames * bins));
    },
    overlapAdd(re, im, frames, hop, window, sum) {
      if (frames <= 0) return;
      const at = layout(rt, fft);
      const inRe = rt.alloc(frames * bins);
      const inIm = rt.alloc(frames * bins);
      const win = allocF64(rt, n);
      const h = allocF64(rt, n);
      const total = (frames - 1) * hop + n;
      const out = allocF64(rt, total);
      const buffer = rt.memory.buffer;
      new Float32Array(buffer, inRe, frames * bins).set(re.subarray(0, frames * bins));
      new Float32Array(buffer, inIm, frames * bins).set(im.subarray(0, frames * bins));
      new Float64Array(buffer, win, n).set(window);
      const outView = new Float64Array(buffer, out, total);
      outView.set(sum.subarray(0, total));
      rt.kernels.irfft_overlap_add(
        n,
        frames,
        hop,
        inRe,
        inIm,
        win,
        at.bitrev,
        at.cos,
        at.sin,
        at.tw,
        at.zr,
        at.zi,
        h,
        out,
      );
      sum.set(outView);
    },
  };
}
