/**
 * The tail of a sample stream addressed by absolute sample index: samples are appended at the end and dropped
 * from the front once nothing needs them, so memory stays bounded however long the stream runs. Shared by the
 * streaming resampler and EmotionStream; browser-safe.
 */
export class SampleBuffer {
  private data: Float32Array = new Float32Array(0);
  /** Absolute index of `data[0]`. */
  private first = 0;

  /** Absolute index of the first sample still held. */
  get start(): number {
    return this.first;
  }

  /** Absolute index one past the last sample appended. */
  get end(): number {
    return this.first + this.data.length;
  }

  /** Append a copy of `samples` (the caller may reuse its array). */
  append(samples: Float32Array): void {
    if (samples.length === 0) return;
    const merged = new Float32Array(this.data.length + samples.length);
    merged.set(this.data);
    merged.set(samples, this.data.length);
    this.data = merged;
  }

  /** Samples [from, to) as a view; they must still be held. */
  view(from: number, to: number): Float32Array {
    if (from < this.first || to > this.end || from > to)
      throw new Error(`samples ${from}–${to} are not buffered (${this.first}–${this.end})`);
    return this.data.subarray(from - this.first, to - this.first);
  }

  /** Forget the samples before absolute index `index` (no-op for samples already forgotten). */
  dropBefore(index: number): void {
    const keep = Math.min(index, this.end);
    if (keep <= this.first) return;
    this.data = this.data.slice(keep - this.first);
    this.first = keep;
  }
}
