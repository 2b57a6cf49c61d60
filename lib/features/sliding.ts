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
import { featureMatrix, type FeatureMatrix } from './types';
import {
  chromaAt,
  chromaTuning,
  extractSet,
  centredFrames,
  joinFrameData,
  joinMatrices,
  melDbFloor,
  mfccAt,
  setVectorFromFrames,
  type FrameData,
  type FrameRange,
  type LibrosaSetConfig,
} from './sets';

/** Chroma or MFCC columns of a run's frames, each computed at the tuning or floor in `at` (NaN: not yet). */
interface DerivedColumns {
  at: Float64Array;
  matrix: FeatureMatrix;
}

/** Signal frames `[first, first + data.frames)`, and chroma and MFCC columns derived from them. */
interface CachedRun {
  first: number;
  data: FrameData;
  derived: { chroma?: DerivedColumns; mfcc?: DerivedColumns };
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
    // The first and last frames reach into the stretch's centre padding: its own.
    const head = centredFrames(samples, this.config, 0, inner);
    const tail = centredFrames(samples, this.config, outer, frames);
    const parts: FrameRange[] = [{ data: head, from: 0, to: inner }];
    for (const run of this.runs) {
      const from = Math.max(run.first, base + inner);
      const to = Math.min(run.first + run.data.frames, base + outer);
      if (to > from) parts.push({ data: run.data, from: from - run.first, to: to - run.first });
    }
    parts.push({ data: tail, from: 0, to: frames - outer });
    this.counts.computed += inner + frames - outer + added;
    this.counts.cached += outer - inner - added;
    const blocks = new Set(this.config.blocks);
    // Chroma is joined from the parts' own (below), so the window's power spectra are not needed.
    const joined = joinFrameData(parts, !blocks.has('chroma'));
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

  /**
   * The parts' chroma at a tuning or MFCC at a floor, joined; a cached run's columns are computed once per
   * frame and value.
   */
  private joinDerived(parts: FrameRange[], kind: 'chroma' | 'mfcc', value: number): FeatureMatrix {
    const at = (data: FrameData, from: number, to: number): FeatureMatrix =>
      kind === 'chroma'
        ? chromaAt(data, this.config, value, from, to)
        : mfccAt(data, this.config, value, from, to);
    const derive = ({ data, from, to }: FrameRange): FeatureMatrix => {
      const run = this.runs.find((r) => r.data === data);
      if (!run) return at(data, from, to); // the stretch's own head or tail
      const held = (run.derived[kind] ??= {
        at: new Float64Array(data.frames).fill(NaN),
        matrix: featureMatrix(kind === 'chroma' ? 12 : this.config.nMfcc, data.frames),
      });
      let lo = from;
      while (lo < to && held.at[lo] === value) lo++;
      let hi = to;
      while (hi > lo && held.at[hi - 1] === value) hi--;
      if (hi > lo) {
        const fresh = at(data, lo, hi);
        for (let r = 0; r < fresh.rows; r++)
          held.matrix.data.set(
            fresh.data.subarray(r * fresh.cols, (r + 1) * fresh.cols),
            r * data.frames + lo,
          );
        held.at.fill(value, lo, hi);
      }
      return held.matrix;
    };
    return joinMatrices(parts.map((p) => ({ matrix: derive(p), from: p.from, to: p.to })));
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

  /** The signal's frames [from, to), from the stretch's samples (which start at frame `base`'s centre). */
  private compute(samples: Float32Array, base: number, from: number, to: number): CachedRun {
    return { first: from, data: centredFrames(samples, this.config, from - base, to - base), derived: {} };
  }
}
