/**
 * Streaming emotion recognition: push mono samples as they arrive, get JSON-ready events. Browser-safe (no
 * Node imports): `ser stream` feeds it from files or stdin, the demo page from the microphone.
 *
 * The signal is resampled to the model's feature rate exactly as a whole file would be
 * ({@link StreamResampler}), a voice-activity detector marks speech ({@link VoiceActivityDetector}), and two
 * kinds of event come out:
 *
 * - `window`: a sliding window (`windowSeconds`, every `hopSeconds`) is treated as one clip: the model's
 *   feature set is extracted from its samples as training extracted it from a clip, normalised, classified.
 *   Window starts are rounded to the feature set's frame hop (at most half a hop from `k · hopSeconds`) so
 *   that overlapping windows and segments share their frames ({@link SlidingWindowFeatures}): each frame's
 *   features are computed once, and each window's vector is still exactly that of a clip of its samples.
 *   A window with less than `minSpeechSeconds` of speech is silent: `label` and `scores` are null (no emotion
 *   on silence or noise). Scores are smoothed by an exponential moving average over consecutive speech
 *   windows (`smoothing` is the newest window's weight; 1 turns it off), restarted after a silent window.
 * - `segment`: once the detector closes a stretch of speech (an utterance), that stretch plus up to
 *   `padSeconds` of context on each side (room tone, as training clips hold: not into the neighbouring
 *   utterances, nor, unless the source gates its silences, into digital silence) is classified as one clip,
 *   its start moved to the frame grid as windows'. Segments shorter than `minSegmentSeconds` are dropped,
 *   longer ones than `maxSegmentSeconds` are cut so that a long monologue still yields results.
 *
 * Per-speaker models are normalised with the stream's own speech windows (segments with its own segments)
 * through a {@link RunningNormaliser}.
 */
import { argmax } from '../metrics/summary';
import { SlidingWindowFeatures } from '../features/sliding';
import type { StandardizerState } from '../features/standardize';
import { featureVector, type InferenceModel } from './model';
import { RunningNormaliser } from './running-normaliser';
import { StreamResampler } from './stream-resampler';
import { SampleBuffer } from './sample-buffer';
import { VoiceActivityDetector, type VadOptions } from './vad';

export interface StreamOptions {
  /** Window length, seconds. Default 3. */
  windowSeconds?: number;
  /** Seconds between window starts. Default 1. */
  hopSeconds?: number;
  /** A window with less speech than this (seconds) is silent. Default 0.25. */
  minSpeechSeconds?: number;
  /** Weight of the newest window in the moving average of scores (1: no smoothing). Default 0.5. */
  smoothing?: number;
  /**
   * Context added on both sides of a speech segment (room tone, as training clips have), seconds; it stops at
   * the neighbouring utterances and, in an ungated source, at digital silence. Default 1.
   */
  padSeconds?: number;
  /** Shorter speech segments are ignored (clicks, coughs), seconds. Default 0.3. */
  minSegmentSeconds?: number;
  /** Longer speech segments are cut here, seconds. Default 10. */
  maxSegmentSeconds?: number;
  /** Voice-activity detector settings. */
  vad?: VadOptions;
  /** Windows the prior of a per-speaker model is worth (see RunningNormaliser). Default 10. */
  priorWeight?: number;
  /**
   * Compute each feature frame once and share it between overlapping windows (the same vectors as extracting
   * each window whole; false does that instead, for comparison). Default true.
   */
  shareFrames?: boolean;
}

export const STREAM_DEFAULTS: Required<Omit<StreamOptions, 'vad'>> = {
  windowSeconds: 3,
  hopSeconds: 1,
  minSpeechSeconds: 0.25,
  smoothing: 0.5,
  padSeconds: 1,
  minSegmentSeconds: 0.3,
  maxSegmentSeconds: 10,
  priorWeight: 10,
  shareFrames: true,
};

export interface StreamEventBase {
  /** Seconds from the start of the stream. */
  start: number;
  end: number;
  /** Top class, or null where there is no speech (or too little to normalise). */
  label: string | null;
  /** Class probabilities (smoothed for windows), or null with the label. */
  scores: Record<string, number> | null;
}

export interface WindowEvent extends StreamEventBase {
  type: 'window';
  /** Seconds of speech in the window. */
  speech: number;
  /** Top class of this window alone, before smoothing. */
  raw: string | null;
}

export interface SegmentEvent extends StreamEventBase {
  type: 'segment';
}

export type StreamEvent = WindowEvent | SegmentEvent;

/** A result waiting for its normalisation statistics and a classification. */
interface Pending {
  event: StreamEvent;
  vector: Float32Array | null;
  state?: StandardizerState;
  /**
   * The sample up to which the stream had to be heard to decide it (a window's end, a segment's context end):
   * events come out in this order, whatever the size of the pushed chunks.
   */
  decidedAt: number;
}

/** Normalises and classifies one kind of event, holding results back while a per-speaker model warms up. */
class Stage {
  private readonly normaliser?: RunningNormaliser;
  private held: Pending[] = [];

  constructor(
    private readonly model: InferenceModel,
    priorWeight: number,
  ) {
    if (model.normalisation === 'per-speaker')
      this.normaliser = new RunningNormaliser(model.dims, model.prior, priorWeight);
  }

  /** Items in stream order; returns those whose statistics are known (in order). */
  take(items: Pending[], last: boolean): Pending[] {
    const n = this.normaliser;
    if (!n) return items;
    const out: Pending[] = [];
    for (const item of items) {
      if (item.vector) n.add(item.vector);
      this.held.push(item);
      if (n.ready) this.release(out, n.state());
    }
    if (last && this.held.length > 0) {
      // Too little speech for a model without a prior: use what there is, or give no label.
      if (n.size >= 2) this.release(out, n.state());
      else {
        for (const h of this.held) h.vector = null;
        out.push(...this.held);
        this.held = [];
      }
    }
    return out;
  }

  private release(out: Pending[], state: StandardizerState): void {
    for (const h of this.held) h.state = state;
    out.push(...this.held);
    this.held = [];
  }

  /** Fill labels and scores of items (one batch through the model). */
  classify(items: Pending[]): void {
    const voiced = items.filter((i) => i.vector !== null);
    const probs = this.model.classify(
      voiced.map((i) => i.vector!),
      this.normaliser ? voiced.map((i) => i.state!) : undefined,
    );
    voiced.forEach((item, k) => {
      item.event.scores = Object.fromEntries(this.model.labels.map((l, j) => [l, probs[k][j]]));
      item.event.label = this.model.labels[argmax(probs[k])];
    });
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Speech samples [from, to) of a segment, and the stretch [contextFrom, contextTo) its context may span. */
interface ClosedSegment {
  from: number;
  to: number;
  contextFrom: number;
  contextTo: number;
}

/** Exact zeros in a row that make digital silence (a muted input, an edit, a silent gap), seconds. */
const DIGITAL_SILENCE_SECONDS = 0.005;
/** Runs of digital silence shorter than this, between bursts of noise, are a gate's (seconds). */
const GATED_RUN_SECONDS = 0.25;

/** Shorter windows are not classified (too few frames for deltas and statistics). */
const MIN_CLIP_SECONDS = 0.2;

export class EmotionStream {
  readonly options: Required<Omit<StreamOptions, 'vad'>>;
  readonly sampleRate: number;
  private readonly resampler?: StreamResampler;
  private readonly vad: VoiceActivityDetector;
  private readonly windowLength: number;
  private readonly hopLength: number;
  /** Window starts are multiples of this (the feature set's frame hop; 1 for sets without frames). */
  private readonly frameHop: number;
  /** Shortest run of exact zeros that is digital silence, samples ({@link DIGITAL_SILENCE_SECONDS}). */
  private readonly silenceRun: number;
  /** Frames shared between windows, unless `shareFrames` is off or the set has no frame grid. */
  private readonly sliding?: SlidingWindowFeatures;
  private readonly windows: Stage;
  private readonly segments: Stage;
  /** Resampled signal, by sample index at `sampleRate`. */
  private readonly buffer = new SampleBuffer();
  /** Next window index. */
  private nextWindow = 0;
  /** Next VAD frame to scan for segments, and the open segment's first frame (−1: none). */
  private scanFrame = 0;
  private segmentStart = -1;
  /** Closed segments waiting for their right-hand context. */
  private closed: ClosedSegment[] = [];
  /** End of the last utterance's speech (samples): the next segment's context starts after it. */
  private speechEnd = 0;
  private smoothed: number[] | null = null;
  private ended = false;

  /**
   * @param model what to classify with (its feature rate is the stream's working rate)
   * @param inputRate rate of the samples given to {@link push}
   */
  constructor(
    private readonly model: InferenceModel,
    readonly inputRate: number,
    options: StreamOptions = {},
  ) {
    const { vad, ...rest } = options;
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    this.options = { ...STREAM_DEFAULTS, ...given };
    const o = this.options;
    if (!(o.windowSeconds > 0 && o.hopSeconds > 0 && o.hopSeconds <= o.windowSeconds))
      throw new RangeError(`window ${o.windowSeconds} s and hop ${o.hopSeconds} s: need 0 < hop <= window`);
    if (!(o.smoothing > 0 && o.smoothing <= 1))
      throw new RangeError(`smoothing must be in (0, 1], got ${o.smoothing}`);
    this.sampleRate = model.features.sampleRate;
    if (inputRate !== this.sampleRate) this.resampler = new StreamResampler(inputRate, this.sampleRate);
    this.vad = new VoiceActivityDetector(this.sampleRate, vad);
    this.windowLength = Math.round(o.windowSeconds * this.sampleRate);
    this.hopLength = Math.round(o.hopSeconds * this.sampleRate);
    const features = model.features;
    this.frameHop = features.kind === 'librosa' ? features.hopLength : 1;
    this.silenceRun = Math.max(1, Math.round(DIGITAL_SILENCE_SECONDS * this.sampleRate));
    if (features.kind === 'librosa' && o.shareFrames && SlidingWindowFeatures.shares(features))
      this.sliding = new SlidingWindowFeatures(features);
    this.windows = new Stage(model, o.priorWeight);
    this.segments = new Stage(model, o.priorWeight);
  }

  /** Seconds of signal received so far. */
  get seconds(): number {
    return this.buffer.end / this.sampleRate;
  }

  /** Feed mono samples at `inputRate`; returns the events they complete, in the order they were decided. */
  push(samples: Float32Array): StreamEvent[] {
    if (this.ended) throw new Error('EmotionStream: push after end');
    return this.accept(this.resampler ? this.resampler.push(samples) : samples, false);
  }

  /** End of the stream: the remaining events (a last, shorter window; an open segment). */
  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    return this.accept(this.resampler ? this.resampler.flush() : new Float32Array(0), true);
  }

  private accept(samples: Float32Array, last: boolean): StreamEvent[] {
    if (samples.length > 0) {
      this.buffer.append(samples);
      this.vad.push(samples);
    }
    if (last) this.vad.finish();
    const windows = this.readyWindows(last);
    const segments = this.readySegments(last);
    const doneWindows = this.windows.take(windows, last);
    this.windows.classify(doneWindows);
    for (const w of doneWindows) this.smooth(w.event as WindowEvent);
    const doneSegments = this.segments.take(segments, last);
    this.segments.classify(doneSegments);
    this.trim();
    return [...doneWindows, ...doneSegments]
      .sort((a, b) => a.decidedAt - b.decidedAt || (a.event.type === 'window' ? -1 : 1))
      .map((p) => p.event);
  }

  private get total(): number {
    return this.buffer.end;
  }

  private slice(from: number, to: number): Float32Array {
    return this.buffer.view(from, to);
  }

  /** The model's features of samples [from, to), as of a clip of them. */
  private clip(from: number, to: number): Float32Array {
    const samples = this.slice(from, to);
    if (this.sliding) return this.sliding.features(samples, from);
    return featureVector({ samples, sampleRate: this.sampleRate }, this.model.features);
  }

  private speechSeconds(from: number, to: number): number {
    const hop = this.vad.hopLength;
    let frames = 0;
    for (let i = Math.ceil(from / hop); i * hop < to && i < this.vad.decided; i++)
      if (this.vad.isSpeech(i)) frames++;
    return (frames * hop) / this.sampleRate;
  }

  private window(from: number, to: number): Pending {
    const speech = this.speechSeconds(from, to);
    // A window shorter than MIN_CLIP_SECONDS (a stream that ends at once) has too few frames for the features.
    const voiced =
      speech >= this.options.minSpeechSeconds &&
      speech > 0 &&
      to - from >= MIN_CLIP_SECONDS * this.sampleRate;
    const event: WindowEvent = {
      type: 'window',
      start: round3(from / this.sampleRate),
      end: round3(to / this.sampleRate),
      speech: round3(speech),
      label: null,
      scores: null,
      raw: null,
    };
    return { event, vector: voiced ? this.clip(from, to) : null, decidedAt: to };
  }

  /** First sample of window `k`: `k` hops, rounded to the frame grid. */
  private windowStart(k: number): number {
    return Math.round((k * this.hopLength) / this.frameHop) * this.frameHop;
  }

  private readyWindows(last: boolean): Pending[] {
    const out: Pending[] = [];
    const decidedTo = last ? this.total : this.vad.decided * this.vad.hopLength;
    for (;;) {
      const from = this.windowStart(this.nextWindow);
      const to = from + this.windowLength;
      if (to > this.total || to > decidedTo) break;
      out.push(this.window(from, to));
      this.nextWindow++;
    }
    if (last) {
      // The tail after the last full window (or a stream shorter than one window) as one more window.
      const lastEnd = this.nextWindow === 0 ? 0 : this.windowStart(this.nextWindow - 1) + this.windowLength;
      if (this.total > lastEnd)
        out.push(this.window(Math.max(0, this.total - this.windowLength), this.total));
    }
    return out;
  }

  private readySegments(last: boolean): Pending[] {
    const o = this.options;
    const hop = this.vad.hopLength;
    const maxFrames = Math.round((o.maxSegmentSeconds * this.sampleRate) / hop);
    const decided = this.vad.decided;
    for (; this.scanFrame < decided; this.scanFrame++) {
      const f = this.scanFrame;
      const speech = this.vad.isSpeech(f);
      if (speech && this.segmentStart < 0) {
        // A new utterance: the context of those before it stops where it starts.
        for (const c of this.closed) c.contextTo = Math.min(c.contextTo, f * hop);
        this.segmentStart = f;
      } else if (this.segmentStart >= 0 && (!speech || f - this.segmentStart >= maxFrames)) {
        this.closeSegment(this.segmentStart, f, speech);
        this.segmentStart = speech ? f : -1;
      }
    }
    if (last && this.segmentStart >= 0) {
      this.closeSegment(this.segmentStart, decided, false);
      this.segmentStart = -1;
    }
    const out: Pending[] = [];
    const known = last ? this.total : Math.min(this.total, decided * hop);
    while (this.closed.length > 0 && (last || this.closed[0].contextTo <= known)) {
      const { from, to, contextFrom, contextTo } = this.closed.shift()!;
      const limit = Math.min(contextTo, this.total);
      const gated = this.gatedSilence(contextFrom, limit);
      let a = gated ? contextFrom : this.contextEdge(from, contextFrom);
      const b = gated ? limit : this.contextEdge(to, limit);
      const aligned = Math.ceil(a / this.frameHop) * this.frameHop;
      if (aligned <= from) a = aligned;
      const event: SegmentEvent = {
        type: 'segment',
        start: round3(from / this.sampleRate),
        end: round3(to / this.sampleRate),
        label: null,
        scores: null,
      };
      out.push({ event, vector: this.clip(a, b), decidedAt: limit });
    }
    return out;
  }

  /**
   * Record speech frames [first, stop) as a segment (samples), unless too short. `cut`: the speech goes on (a
   * segment cut at `maxSegmentSeconds`), so the next one is no new utterance.
   */
  private closeSegment(first: number, stop: number, cut: boolean): void {
    // The segment ends with its last loud frame: the hangover's quiet tail is context, as the padding is.
    while (stop > first + 1 && !this.vad.isCandidate(stop - 1)) stop--;
    const from = first * this.vad.hopLength;
    const to = Math.min(this.total, (stop - 1) * this.vad.hopLength + this.vad.frameLength);
    const pad = Math.round(this.options.padSeconds * this.sampleRate);
    if (to - from >= this.options.minSegmentSeconds * this.sampleRate)
      this.closed.push({
        from,
        to,
        contextFrom: Math.max(0, from - pad, this.speechEnd),
        contextTo: to + pad,
      });
    if (!cut) this.speechEnd = to;
  }

  /**
   * Whether samples [from, to) hold a gate's digital silence: runs of exact zeros of 5 ms to 0.25 s (between
   * bursts of noise), as RAVDESS's recordings do around and between words. Such a source's training clips hold
   * them too, so there zeros are room tone and the whole context is kept.
   */
  private gatedSilence(from: number, to: number): boolean {
    const x = this.slice(from, to);
    const longest = Math.round(GATED_RUN_SECONDS * this.sampleRate);
    let run = 0;
    for (let i = 0; i <= x.length; i++) {
      if (i < x.length && x[i] === 0) run++;
      else {
        if (run >= this.silenceRun && run < longest) return true;
        run = 0;
      }
    }
    return false;
  }

  /**
   * How far the context of speech ending (or starting) at sample `edge` reaches towards `limit` in an ungated
   * source: up to it, but not into digital silence (a run of exact zeros: a muted input, an edit, clips joined
   * with silent gaps), which no training clip of such a source held (TESS's); zeros at the far end are left
   * out too.
   */
  private contextEdge(edge: number, limit: number): number {
    const step = limit < edge ? -1 : 1;
    const x = this.slice(Math.min(edge, limit), Math.max(edge, limit));
    const at = (i: number) => x[i - Math.min(edge, limit)];
    let run = 0;
    // Samples outward from the speech: i is the next one to take in.
    for (let i = step < 0 ? edge - 1 : edge; step < 0 ? i >= limit : i < limit; i += step) {
      run = at(i) === 0 ? run + 1 : 0;
      if (run >= this.silenceRun) return step < 0 ? i + run : i - run + 1;
    }
    // Reached the limit: without the zeros at its end.
    let end = limit;
    while (end !== edge && at(step < 0 ? end : end - 1) === 0) end -= step;
    return end;
  }

  private smooth(event: WindowEvent): WindowEvent {
    if (event.scores === null) {
      this.smoothed = null;
      return event;
    }
    const p = this.model.labels.map((l) => event.scores![l]);
    event.raw = event.label;
    const a = this.options.smoothing;
    this.smoothed = this.smoothed ? this.smoothed.map((s, j) => a * p[j] + (1 - a) * s) : p;
    event.scores = Object.fromEntries(this.model.labels.map((l, j) => [l, this.smoothed![j]]));
    event.label = this.model.labels[argmax(this.smoothed)];
    return event;
  }

  /** Drop samples and VAD decisions no pending window or segment needs. */
  private trim(): void {
    const pad = Math.round(this.options.padSeconds * this.sampleRate);
    const hop = this.vad.hopLength;
    // The last window at the end of the stream may start up to one hop before the next regular window.
    const lastStart = this.windowStart(Math.max(0, this.nextWindow - 1));
    let keep = Math.min(lastStart, this.scanFrame * hop - pad);
    if (this.segmentStart >= 0) keep = Math.min(keep, this.segmentStart * hop - pad);
    if (this.closed.length > 0) keep = Math.min(keep, this.closed[0].contextFrom);
    this.buffer.dropBefore(keep);
    this.sliding?.forget(keep);
    this.vad.forget(Math.min(Math.floor(lastStart / hop), this.scanFrame));
  }
}
