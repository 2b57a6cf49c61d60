/**
 * The frame loops of the STFT and ISTFT in WebAssembly SIMD (lib/engine/wasm/kernels.c: rfft_frames,
 * irfft_overlap_add) for power-of-two FFT sizes. The kernels run fft.ts's Radix2RealFft with its tables,
 * operation for operation, so results are bit-identical to the TypeScript loops they replace; see
 * lib/engine/dsp for when those loops run instead.
 */
import { dspRuntime } from '../engine/dsp';
import { Radix2RealFft, realFft } from './fft';

/** The batched frame transforms of one FFT size. */
export interface FrameKernels {
  /**
   * For t < frames: the spectrum of `window · signal[t·hop .. t·hop + n)` rounded to float32 into
   * `re`/`im` at `t · bins` (bins = n/2 + 1), as stft's TypeScript loop computes it. False (nothing done)
   * when the call is too large for the DSP runtime (see lib/engine/dsp) or there are no frames.
   */
  stftFrames(
    signal: Float32Array,
    frames: number,
    hop: number,
    window: Float64Array,
    re: Float32Array,
    im: Float32Array,
  ): boolean;
  /**
   * For t < frames: `sum[t·hop + j] += irfft(re_t + i·im_t)[j] · window[j]` (istft's overlap-add). False
   * as for stftFrames.
   */
  overlapAdd(
    re: Float32Array,
    im: Float32Array,
    frames: number,
    hop: number,
    window: Float64Array,
    sum: Float64Array,
  ): boolean;
}

/** The WebAssembly frame loops for FFT size `n`, or null where the TypeScript loops must run. */
export function wasmFrameKernels(n: number): FrameKernels | null {
  const fft = realFft(n);
  if (!(fft instanceof Radix2RealFft) || !dspRuntime()) return null;
  // Scratch beyond the frames: tables, window and float64 buffers of a few n each.
  const fixed = 64 * n;
  const bins = (n >> 1) + 1;
  return {
    stftFrames(signal, frames, hop, window, re, im) {
      const rt = frames > 0 ? dspRuntime(fixed + 4 * ((frames - 1) * hop + n) + 8 * frames * bins) : null;
      if (!rt) return false;
      const fftArgs = fft.wasmTables(rt);
      const sig = rt.put(signal.subarray(0, (frames - 1) * hop + n));
      const win = rt.putTyped(window);
      const outRe = rt.alloc(frames * bins);
      const outIm = rt.alloc(frames * bins);
      rt.kernels.rfft_frames(n, frames, hop, sig, win, ...fftArgs, outRe, outIm);
      re.set(rt.view(outRe, frames * bins));
      im.set(rt.view(outIm, frames * bins));
      return true;
    },
    overlapAdd(re, im, frames, hop, window, sum) {
      const rt = frames > 0 ? dspRuntime(fixed + 8 * ((frames - 1) * hop + n) + 8 * frames * bins) : null;
      if (!rt) return false;
      const fftArgs = fft.wasmTables(rt);
      const inRe = rt.put(re.subarray(0, frames * bins));
      const inIm = rt.put(im.subarray(0, frames * bins));
      const win = rt.putTyped(window);
      const h = rt.allocF64(n);
      const total = (frames - 1) * hop + n;
      const out = rt.putTyped(sum.subarray(0, total));
      rt.kernels.irfft_overlap_add(n, frames, hop, inRe, inIm, win, ...fftArgs, h, out);
      sum.set(new Float64Array(rt.memory.buffer, out, total));
      return true;
    },
  };
}
