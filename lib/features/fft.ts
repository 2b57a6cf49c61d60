/**
 * Real-input FFT in Float64 typed arrays (the precision numpy's pocketfft uses for librosa's STFT, whose
 * window is float64). Even sizes run a complex FFT of half the size plus the usual real-to-complex split:
 * iterative radix-2 for powers of two, recursive mixed radix (factors 2, 3, 4, 5, … each as a small DFT)
 * otherwise, e.g. n_fft 400 at 16 kHz. Odd sizes fall back to a direct DFT (O(n²)).
 */

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
  private readonly cosFull: Float64Array;
  private readonly sinFull: Float64Array;
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

class Radix2RealFft extends HalfSizeRealFft {
  private readonly bitReverse: Uint32Array;
  /** Twiddles e^{-2πik/len} of the radix-2 stages len = 8, 16, …, half, one stage after another. */
  private readonly twiddleRe: Float64Array;
  private readonly twiddleIm: Float64Array;

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
    this.twiddleRe = new Float64Array(Math.max(1, half));
    this.twiddleIm = new Float64Array(Math.max(1, half));
    for (let len = 8, offset = 0; len <= half; offset += len >> 1, len <<= 1)
      for (let k = 0; k < len >> 1; k++) {
        this.twiddleRe[offset + k] = Math.cos((2 * Math.PI * k * (half / len)) / half);
        this.twiddleIm[offset + k] = -Math.sin((2 * Math.PI * k * (half / len)) / half);
      }
  }

  protected transformPacked(input: Float64Array): void {
    const { half, bitReverse, twiddleRe, twiddleIm, zr, zi } = this;
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
    for (let len = 8, offset = 0; len <= half; offset += len >> 1, len <<= 1) {
      const halfLen = len >> 1;
      for (let k = 0; k < halfLen; k++) {
        const wr = twiddleRe[offset + k];
        const wi = twiddleIm[offset + k];
        for (let a = k; a < half; a += len) {
          const b = a + halfLen;
          const tr = zr[b] * wr - zi[b] * wi;
          const ti = zr[b] * wi + zi[b] * wr;
          zr[b] = zr[a] - tr;
          zi[b] = zi[a] - ti;
          zr[a] += tr;
          zi[a] += ti;
        }
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
