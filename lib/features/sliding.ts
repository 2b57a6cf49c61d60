/**
 * Feature vectors of stretches of one long signal (a stream's overlapping windows and its segments) that
 * compute each frame once. Each stretch's vector is exactly {@link extractSet} of its samples, bit for bit:
 *
 * - frames inside the stretch are the signal's own frames (frame j centred on sample j · hop), cached by
 *   absolute index from one stretch to the next;
 * - the few frames that reach into the stretch's centre padding at either end are computed per stretch,
 *   from its samples, as the clip-level extractor pads them;
 * - what depends on the whole stretch (`top_db`'s floor, chroma's tuning, deltas, statistics, prosody) is
 *   rebuilt from the joined frames by the clip-level code ({@link setVectorFromFrames}). Chroma and MFCC
 *   columns are cached too, per run of frames, with the tuning and floor they were computed at, and reused
 *   while a stretch has the same.
 *
 * Stretches must start on the frame grid (a multiple of `hopLength` samples) to share frames; others, and
 * sets with a fixed frame count (their signal is cut or padded first), are extracted whole.
 */
import type { FeatureMatrix } from './types';
import {
  chromaAt,
  chromaTuning,
  extractSet,
  frameData,
  joinFrameData,
  joinMatrices,
  melDbFloor,
  mfccAt,
  setVectorFromFrames,
  type FrameData,
  type FrameRange,
  type LibrosaSetConfig,
} from './sets';

/** Signal frames `[first, first + data.frames)` and what was derived from them at a tuning or floor. */
interface CachedRun {
  first: number;
  data: FrameData;
}

export class SlidingWindowFeatures {
  /** Consecutive runs of cached frames, in order. */
  private runs: CachedRun[] = [];
  /** Frames computed (new frames and the ends of stretches) and frames taken from the cache. */
  readonly counts = { computed: 0, cached: 0 };

  constructor(readonly config: LibrosaSetConfig) {}

  /** Whether stretches of `config` can share frames (else {@link features} extracts each whole). */
  static shares(config: LibrosaSetConfig): boolean {
    return config.frames === null && config.nFft % 2 === 0;
  }

  /** {@link extractSet} of `samples`, the signal's samples from sample `start` on. */
  features(samples: Float32Array, start: number): Float32Array {
    const { nFft, hopLength: hop } = this.config;
    const half = nFft >> 1;
    const length = samples.length;
    // Frame t of the stretch is centred on its sample t · hop; frames [inner, outer) lie inside it.
    const inner = Math.ceil(half / hop);
    const outer = Math.floor((length - half) / hop) + 1;
    if (!SlidingWindowFeatures.shares(this.config) || start % hop !== 0 || outer - inner < 1)
      return extractSet({ samples, sampleRate: this.config.sampleRate }, this.config);
    const frames = 1 + Math.floor(length / hop);
    const base = start / hop;
    const added = this.cover(samples, base, base + inner, base + outer);
    // The first frames from the stretch's head (centre padding on the left, as the clip's), the last ones
    // from a tail that starts `inner` frames before them (so that its own left padding is not used).
    const head = frameData(samples.subarray(0, (inner - 1) * hop + half), this.config);
    const tail = frameData(samples.subarray((outer - inner) * hop), this.config);
    const parts: FrameRange[] = [{ data: head, from: 0, to: inner }];
    for (const run of this.runs) {
      const from = Math.max(run.first, base + inner);
      const to = Math.min(run.first + run.data.frames, base + outer);
      if (to > from) parts.push({ data: run.data, from: from - run.first, to: to - run.first });
    }
    parts.push({ data: tail, from: inner, to: inner + frames - outer });
    this.counts.computed += inner + frames - outer + added;
    this.counts.cached += outer - inner - added;
    const joined = joinFrameData(parts);
    const blocks = new Set(this.config.blocks);
    if (blocks.has('chroma')) {
      const tuning = chromaTuning(joined, this.config);
      joined.chroma = { at: tuning, matrix: this.joinDerived(parts, 'chroma', tuning) };
    }
    if (blocks.has('mfcc') || blocks.has('mfcc_delta') || blocks.has('mfcc_delta2')) {
      const floor = melDbFloor(joined);
      joined.mfcc = { at: floor, matrix: this.joinDerived(parts, 'mfcc', floor) };
    }
    return setVectorFromFrames(joined, this.config);
  }

  /** Forget frames that no stretch starting at or after sample `before` needs. */
  forget(before: number): void {
    const hop = this.config.hopLength;
    this.runs = this.runs.filter((r) => (r.first + r.data.frames) * hop > before);
  }

  /** The parts' chroma at a tuning or MFCC at a floor, joined; computed once per cached run and value. */
  private joinDerived(parts: FrameRange[], kind: 'chroma' | 'mfcc', value: number): FeatureMatrix {
    const derive = (data: FrameData): FeatureMatrix => {
      if (data[kind]?.at === value) return data[kind].matrix;
      const matrix =
        kind === 'chroma' ? chromaAt(data, this.config, value) : mfccAt(data, this.config, value);
      // Only cached runs keep it (the head and tail are the stretch's own).
      if (this.runs.some((r) => r.data === data)) data[kind] = { at: value, matrix };
      return matrix;
    };
    return joinMatrices(parts.map((p) => ({ matrix: derive(p.data), from: p.from, to: p.to })));
  }

  /**
   * Make the cache hold the signal's frames [from, to), computing those it lacks from the stretch's samples
   * (which start at frame `base`'s centre); returns how many it computed.
   */
  private cover(samples: Float32Array, base: number, from: number, to: number): number {
    const first = this.runs.length > 0 ? this.runs[0].first : from;
    const last = this.runs.length > 0 ? this.runs[this.runs.length - 1] : undefined;
    const end = last ? last.first + last.data.frames : from;
    if (to < first || from > end) this.runs = [];
    if (this.runs.length === 0) {
      this.runs.push(this.compute(samples, base, from, to));
      return to - from;
    }
    let added = 0;
    if (from < first) {
      this.runs.unshift(this.compute(samples, base, from, first));
      added += first - from;
    }
    if (to > end) {
      this.runs.push(this.compute(samples, base, end, to));
      added += to - end;
    }
    return added;
  }

  /** The signal's frames [from, to), uncentred, from the stretch's samples (which start at frame `base`'s centre). */
  private compute(samples: Float32Array, base: number, from: number, to: number): CachedRun {
    const { nFft, hopLength: hop } = this.config;
    const first = (from - base) * hop - (nFft >> 1);
    const data = frameData(samples.subarray(first, first + (to - 1 - from) * hop + nFft), this.config, false);
    return { first: from, data };
  }
}
