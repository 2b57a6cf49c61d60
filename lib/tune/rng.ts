/**
 * Seeded random numbers for samplers: sfc32 over a splitmix32-expanded seed, 53-bit uniform doubles.
 * Reproducible across platforms; an unseeded generator draws its seed from the OS.
 */
import { randomInt } from 'node:crypto';

export class TuneRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any integer; omitted → a random seed from the OS. */
  constructor(seed?: number) {
    let s = (seed ?? randomInt(0, 2 ** 32 - 1)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  private u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** An index drawn with probability proportional to `weights` (which sum to 1). */
  choice(weights: ArrayLike<number>): number {
    const u = this.random();
    let acc = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i];
      if (u < acc) return i;
    }
    return weights.length - 1;
  }
}
