/**
 * Real-input FFT in Float64 typed arrays (the precision numpy's pocketfft uses for librosa's STFT, whose
 * window is float64). Even sizes run a complex FFT of half the size plus the usual real-to-complex split:
 * iterative radix-2 for powers of two, recursive mixed radix (factors 2, 3, 4, 5, … each as a small DFT)
 * otherwise, e.g. n_fft 400 at 16 kHz. Odd sizes fall back to a direct DFT (O(n²)).
 */

import { dspRuntime } from '../engine/dsp';
import type { WasmRuntime } from '../engine/runtime';

/**
 * Sizes from which {@link Radix2RealFft.forward} runs in WebAssembly (kernels.c's rfft_f64, same bits). From
 * 1024 on it is about 1.5× faster than the TypeScript transform even with its per-call copies (YIN's three
 * transforms per frame; measured at 1024–4096).
 */
const WASM_MIN_SIZE = 1024;

/** A reusable transform for one size; obtain it with {@link realFft} (cached per size). */
export interface RealFft {
  readonly size: number;
  /**
   * Spectrum of `input` (length `size`) into `re`/`im` (length `size / 2 + 1`, the non-negative
   * frequencies, like `numpy.fft.rfft`). `input` is left unchanged.
   */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void;
}

/**
 * Real FFT of even size n through the complex FFT of z[i] = x[2i] + i·x[2i+1] (size n/2), then
 * X[k] = E[k] + e^{-2πik/n} O[k] with E, O the spectra of the even and odd samples recovered from Z.
 */
abstract class HalfSizeRealFft implements RealFft {
  protected readonly half: number;
  /** cos/sin(2πk/size) for the real split. */
  readonly cosFull: Float64Array;
  readonly sinFull: Float64Array;
  /** Z, the half-size complex spectrum, filled by {@link transformPacked}. */
  protected readonly zr: Float64Array;
  protected readonly zi: Float64Array;

  constructor(readonly size: number) {
    const half = size >> 1;
    this.half = half;
    this.cosFull = new Float64Array(half + 1);
    this.sinFull = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.cosFull[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinFull[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.zr = new Float64Array(half);
    this.zi = new Float64Array(half);
  }

  /** Fill `zr`/`zi` with the complex FFT of the packed input. */
  protected abstract transformPacked(input: Float64Array): void;

  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    this.transformPacked(input);
    const { half, zr, zi } = this;
    const { cosFull, sinFull } = this;
    re[0] = zr[0] + zi[0];
    im[0] = 0;
    re[half] = zr[0] - zi[0];
    im[half] = 0;
    for (let k = 1; k < half; k++) {
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[half - k];
      const bi = -zi[half - k];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      // O[k] = (Z[k] - conj(Z[half-k])) / 2i
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const c = cosFull[k];
      const s = -sinFull[k];
      re[k] = er + or * c - oi * s;
      im[k] = ei + or * s + oi * c;
    }
  }
}

export class Radix2RealFft extends HalfSizeRealFft {
  /** Where each packed input pair goes: `z[bitReverse[i]] = x[2i] + i·x[2i+1]`. */
  readonly bitReverse: Uint32Array;
  /**
   * Twiddles of the stages after the first (len 4), stage after stage: a radix-4 stage of quarter size q
   * (len = 4q = 16, 64, …) stores the blocks Re W^k, Im W^k, Re W^2k, Im W^2k, Re W^3k, Im W^3k
   * (W = e^{-2πi/len}, k < q, q values each); a final radix-2 stage (when log2(half) is odd) stores
   * Re W^k, Im W^k (k < q = half/2). Blocks keep each k's twiddles contiguous for the SIMD kernel.
   */
  readonly twiddles: Float64Array;

  constructor(size: number) {
    super(size);
    const half = this.half;
    const bits = Math.round(Math.log2(half));
    this.bitReverse = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.bitReverse[i] = r;
    }
    const tw: number[] = [];
    // Angles as multiples of 2π/half so every stage reads the same rounded values as one table would.
    const w = (k: number, len: number) => (2 * Math.PI * k * (half / len)) / half;
    let q = 4;
    for (; q * 4 <= half; q *= 4)
      for (const m of [1, 2, 3]) {
        for (let k = 0; k < q; k++) tw.push(Math.cos(w(m * k, q * 4)));
        for (let k = 0; k < q; k++) tw.push(-Math.sin(w(m * k, q * 4)));
      }
    if (q * 2 === half) {
      for (let k = 0; k < q; k++) tw.push(Math.cos(w(k, half)));
      for (let k = 0; k < q; k++) tw.push(-Math.sin(w(k, half)));
    }
    this.twiddles = Float64Array.from(tw);
  }

  /** The tables and scratch the WebAssembly kernels take, copied into `rt`: bitrev, cos, sin, twiddles, zr, zi. */
  wasmTables(rt: WasmRuntime): number[] {
    const half = this.half;
    return [
      rt.putTyped(this.bitReverse),
      rt.putTyped(this.cosFull),
      rt.putTyped(this.sinFull),
      rt.putTyped(this.twiddles),
      rt.allocF64(half),
      rt.allocF64(half),
    ];
  }

  override forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    // Single transforms (YIN's, noise shaping, room convolution) in WebAssembly; the STFT's many frames go
    // through fft-wasm.ts's batched frame loops instead, which copy the tables once per call.
    const n = this.size;
    const rt = n >= WASM_MIN_SIZE ? dspRuntime(48 * n) : null;
    if (!rt) {
      super.forward(input, re, im);
      return;
    }
    const half = n >> 1;
    const args = [rt.putTyped(input.subarray(0, n)), ...this.wasmTables(rt)];
    const outRe = rt.allocF64(half + 1);
    const outIm = rt.allocF64(half + 1);
    rt.kernels.rfft_f64(n, ...args, outRe, outIm);
    re.set(new Float64Array(rt.memory.buffer, outRe, half + 1));
    im.set(new Float64Array(rt.memory.buffer, outIm, half + 1));
  }

  protected transformPacked(input: Float64Array): void {
    const { half, bitReverse, twiddles, zr, zi } = this;
    // Pack even samples as real parts and odd samples as imaginary parts, in bit-reversed order.
    for (let i = 0; i < half; i++) {
      const j = bitReverse[i];
      zr[j] = input[2 * i];
      zi[j] = input[2 * i + 1];
    }
    // First two stages together: radix-4 butterflies whose twiddles are 1 and -i.
    if (half >= 4) {
      for (let a = 0; a < half; a += 4) {
        const r0 = zr[a] + zr[a + 1];
        const i0 = zi[a] + zi[a + 1];
        const r1 = zr[a] - zr[a + 1];
        const i1 = zi[a] - zi[a + 1];
        const r2 = zr[a + 2] + zr[a + 3];
        const i2 = zi[a + 2] + zi[a + 3];
        const r3 = zr[a + 2] - zr[a + 3];
        const i3 = zi[a + 2] - zi[a + 3];
        zr[a] = r0 + r2;
        zi[a] = i0 + i2;
        zr[a + 2] = r0 - r2;
        zi[a + 2] = i0 - i2;
        // (r3 + i i3) * (-i) = i3 - i r3
        zr[a + 1] = r1 + i3;
        zi[a + 1] = i1 - r3;
        zr[a + 3] = r1 - i3;
        zi[a + 3] = i1 + r3;
      }
    } else if (half === 2) {
      const r = zr[0] - zr[1];
      const i = zi[0] - zi[1];
      zr[0] += zr[1];
      zi[0] += zi[1];
      zr[1] = r;
      zi[1] = i;
    }
    // Radix-4 stages: four sub-DFTs of size q (bit-reversed: x[4n], x[4n+2], x[4n+1], x[4n+3]) into one
    // of size 4q: with a, b, c, d the sub-DFTs times W^0, W^2k, W^k, W^3k,
    // X[k] = a+b+c+d, X[k+q] = (a−b) − i(c−d), X[k+2q] = a+b−c−d, X[k+3q] = (a−b) + i(c−d).
    let q = 4;
    let t = 0;
    for (; q * 4 <= half; t += 6 * q, q *= 4) {
      const len = q * 4;
      for (let k = 0; k < q; k++) {
        const w1r = twiddles[t + k];
        const w1i = twiddles[t + q + k];
        const w2r = twiddles[t + 2 * q + k];
        const w2i = twiddles[t + 3 * q + k];
        const w3r = twiddles[t + 4 * q + k];
        const w3i = twiddles[t + 5 * q + k];
        for (let s0 = k; s0 < half; s0 += len) {
          const s1 = s0 + q;
          const s2 = s1 + q;
          const s3 = s2 + q;
          const ar = zr[s0];
          const ai = zi[s0];
          const br = zr[s1] * w2r - zi[s1] * w2i;
          const bi = zr[s1] * w2i + zi[s1] * w2r;
          const cr = zr[s2] * w1r - zi[s2] * w1i;
          const ci = zr[s2] * w1i + zi[s2] * w1r;
          const dr = zr[s3] * w3r - zi[s3] * w3i;
          const di = zr[s3] * w3i + zi[s3] * w3r;
          const apbR = ar + br;
          const apbI = ai + bi;
          const ambR = ar - br;
          const ambI = ai - bi;
          const cpdR = cr + dr;
          const cpdI = ci + di;
          const cmdR = cr - dr;
          const cmdI = ci - di;
          zr[s0] = apbR + cpdR;
          zi[s0] = apbI + cpdI;
          zr[s2] = apbR - cpdR;
          zi[s2] = apbI - cpdI;
          // −i(c−d) = (cmdI, −cmdR); +i(c−d) = (−cmdI, cmdR)
          zr[s1] = ambR + cmdI;
          zi[s1] = ambI - cmdR;
          zr[s3] = ambR - cmdI;
          zi[s3] = ambI + cmdR;
        }
      }
    }
    // A last radix-2 stage when log2(half) is odd.
    if (q * 2 === half) {
      for (let k = 0; k < q; k++) {
        const wr = twiddles[t + k];
        const wi = twiddles[t + q + k];
        const b = k + q;
        const tr = zr[b] * wr - zi[b] * wi;
        const ti = zr[b] * wi + zi[b] * wr;
        zr[b] = zr[k] - tr;
        zi[b] = zi[k] - ti;
        zr[k] += tr;
        zi[k] += ti;
      }
    }
  }
}

/** Smallest factor of m, preferring 4 (a radix-4 step is cheaper than two radix-2 steps). */
function firstFactor(m: number): number {
  if (m % 4 === 0) return 4;
  for (let p = 2; p * p <= m; p++) if (m % p === 0) return p;
  return m;
}

class MixedRadixRealFft extends HalfSizeRealFft {
  /** e^{-2πie/half} for e = 0..half-1. */
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;
  private readonly inRe: Float64Array;
  private readonly inIm: Float64Array;
  private readonly sumRe: Float64Array;
  private readonly sumIm: Float64Array;

  constructor(size: number) {
    super(size);
    const half = this.half;
    this.wr = new Float64Array(half);
    this.wi = new Float64Array(half);
    for (let e = 0; e < half; e++) {
      this.wr[e] = Math.cos((2 * Math.PI * e) / half);
      this.wi[e] = -Math.sin((2 * Math.PI * e) / half);
    }
    this.inRe = new Float64Array(half);
    this.inIm = new Float64Array(half);
    // A prime half size is one m-point DFT: the scratch must hold m sums.
    this.sumRe = new Float64Array(half);
    this.sumIm = new Float64Array(half);
  }

  protected transformPacked(input: Float64Array): void {
    const { half, inRe, inIm } = this;
    for (let i = 0; i < half; i++) {
      inRe[i] = input[2 * i];
      inIm[i] = input[2 * i + 1];
    }
    this.recurse(0, 1, half, 0);
  }

  /**
   * Decimation in time: the m-point DFT of in[offset + j·stride] into z[out .. out + m) from p DFTs of
   * size m/p (interleaved by p), combined with twiddles and a p-point DFT per output group.
   */
  private recurse(offset: number, stride: number, m: number, out: number): void {
    const { zr, zi, inRe, inIm, wr, wi, sumRe, sumIm } = this;
    if (m === 1) {
      zr[out] = inRe[offset];
      zi[out] = inIm[offset];
      return;
    }
    const p = firstFactor(m);
    const q = m / p;
    for (let j = 0; j < p; j++) this.recurse(offset + j * stride, stride * p, q, out + j * q);
    // Twiddle factors of size m are the half-size table at step half/m.
    const step = this.half / m;
    for (let k = 0; k < q; k++) {
      for (let r = 0; r < p; r++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < p; j++) {
          const e = ((j * (k + r * q)) % m) * step;
          const ar = zr[out + j * q + k];
          const ai = zi[out + j * q + k];
          sr += ar * wr[e] - ai * wi[e];
          si += ar * wi[e] + ai * wr[e];
        }
        sumRe[r] = sr;
        sumIm[r] = si;
      }
      for (let r = 0; r < p; r++) {
        zr[out + r * q + k] = sumRe[r];
        zi[out + r * q + k] = sumIm[r];
      }
    }
  }
}

class DirectRealDft implements RealFft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly size: number) {
    this.cos = new Float64Array(size);
    this.sin = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    const n = this.size;
    for (let k = 0; k <= n >> 1; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0, idx = 0; t < n; t++, idx = (idx + k) % n) {
        sr += input[t] * this.cos[idx];
        si -= input[t] * this.sin[idx];
      }
      re[k] = sr;
      im[k] = si;
    }
  }
}

const transforms = new Map<number, RealFft>();

/** The real FFT of `size` points (cached: tables are built once per size). */
export function realFft(size: number): RealFft {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`realFft: size must be a positive integer, got ${size}`);
  let fft = transforms.get(size);
  if (!fft) {
    const powerOfTwo = size >= 4 && (size & (size - 1)) === 0;
    fft = powerOfTwo
      ? new Radix2RealFft(size)
      : size % 2 === 0 && size >= 4
        ? new MixedRadixRealFft(size)
        : new DirectRealDft(size);
    transforms.set(size, fft);
  }
  return fft;
}
