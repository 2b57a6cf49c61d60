/**
 * Resampling of a stream that arrives in chunks, with the same output as resampling the whole signal at
 * once (librosa's `res_type='polyphase'`, see lib/audio/resample): blocks are resampled with a margin of
 * input on each side wider than the filter's reach, and only the outputs the margins make exact are kept.
 * Browser-safe (no Node imports): the demo page reuses it.
 */
import { resample } from '../audio/resample';
import { SampleBuffer } from './sample-buffer';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class StreamResampler {
  private readonly up: number;
  private readonly down: number;
  /** Input samples of context on each side of a block (a multiple of `down`). */
  private readonly margin: number;
  /** Input samples per block (a multiple of `down`, about 0.5 s). */
  private readonly block: number;
  /** Buffered input, by input sample index. */
  private readonly buffer = new SampleBuffer();
  /** Next input sample (a multiple of `down`) whose outputs have not been emitted. */
  private next = 0;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    const g = gcd(fromRate, toRate);
    this.up = toRate / g;
    this.down = fromRate / g;
    // The filter spans 10 zero crossings of the slower rate on each side: 10·max(up, down) taps at the
    // upsampled rate, i.e. 10·max(up, down)/up input samples.
    const reach = Math.ceil((10 * Math.max(this.up, this.down)) / this.up) + 2;
    this.margin = Math.ceil(reach / this.down) * this.down;
    this.block = Math.max(1, Math.round(fromRate / 2 / this.down)) * this.down;
  }

  /** Append input samples; returns the output samples they complete (possibly none). */
  push(samples: Float32Array): Float32Array {
    if (this.up === this.down) return samples.slice();
    this.buffer.append(samples);
    const parts: Float32Array[] = [];
    const end = this.buffer.end;
    while (this.next + this.block + this.margin <= end) parts.push(this.emit(this.next + this.block, false));
    this.buffer.dropBefore(this.next - this.margin);
    return concatSamples(parts);
  }

  /** The outputs of everything pushed so far, the end of the signal being the end of the stream. */
  flush(): Float32Array {
    if (this.up === this.down) return new Float32Array(0);
    const end = this.buffer.end;
    const out = this.next < end ? this.emit(end, true) : new Float32Array(0);
    this.buffer.dropBefore(end);
    return out;
  }

  /** Outputs of input samples [next, to): resample [next − margin, to + margin) and keep the middle. */
  private emit(to: number, last: boolean): Float32Array {
    const from = Math.max(0, this.next - this.margin);
    const stop = last ? this.buffer.end : to + this.margin;
    const y = resample(this.buffer.view(from, stop), this.fromRate, this.toRate);
    const skip = ((this.next - from) * this.up) / this.down;
    const count = last ? y.length - skip : ((to - this.next) * this.up) / this.down;
    this.next = to;
    return y.slice(skip, skip + count);
  }
}

/** Concatenate arrays. */
export function concatSamples(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
