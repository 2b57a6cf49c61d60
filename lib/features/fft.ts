/**
 * Real-input FFT in Float64 typed arrays (the precision numpy's pocketfft uses for librosa's STFT, whose
 * window is float64). Power-of-two sizes run an iterative radix-2 complex FFT of half the size plus the
 * usual real-to-complex split; other sizes fall back to a direct DFT with precomputed tables (O(n²), correct
 * but slow — librosa's common sizes are all powers of two).
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

class Radix2RealFft implements RealFft {
  private readonly half: number;
  private readonly bitReverse: Uint32Array;
  /** Twiddles e^{-2πik/len} of the radix-2 stages len = 8, 16, …, half, one stage after another. */
  private readonly twiddleRe: Float64Array;
  private readonly twiddleIm: Float64Array;
  /** cos/sin(2πk/size) for the real split. */
  private readonly cosFull: Float64Array;
  private readonly sinFull: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(readonly size: number) {
    const half = size >> 1;
    this.half = half;
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
        // Index the same table entries as cos/sin(2π k (half/len) / half) so every stage uses identical values.
        this.twiddleRe[offset + k] = Math.cos((2 * Math.PI * k * (half / len)) / half);
        this.twiddleIm[offset + k] = -Math.sin((2 * Math.PI * k * (half / len)) / half);
      }
    this.cosFull = new Float64Array(half + 1);
    this.sinFull = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.cosFull[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinFull[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.zr = new Float64Array(half);
    this.zi = new Float64Array(half);
  }

  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
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
    // X[k] = E[k] + e^{-2πik/n} O[k], with E, O the spectra of the even and odd samples recovered from Z.
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
    fft = powerOfTwo ? new Radix2RealFft(size) : new DirectRealDft(size);
    transforms.set(size, fft);
  }
  return fft;
}
