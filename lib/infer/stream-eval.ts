/**
 * Streams with known emotions, for tests, benches and notebooks: clips joined with pauses into one long
 * recording, and the accuracy of a stream's events against the known stretches. Browser-safe.
 */
import type { MonoAudio } from '../audio/types';
import { Rng } from '../util/rng';
import type { StreamEvent } from './stream';

/** A stretch of a recording with a known label. */
export interface LabelledSpan {
  start: number;
  end: number;
  label: string;
}

/**
 * Join clips (all at one rate) with pauses of `minGap`–`maxGap` seconds of silence (seeded), plus optional
 * white noise of `noiseDb` dBFS everywhere. Returns the recording and where each clip lies.
 */
export function concatenateClips(
  clips: { audio: MonoAudio; label: string }[],
  options: { minGap?: number; maxGap?: number; seed?: number; noiseDb?: number } = {},
): { audio: MonoAudio; truth: LabelledSpan[] } {
  if (clips.length === 0) throw new Error('concatenateClips: no clips');
  const rate = clips[0].audio.sampleRate;
  const rng = new Rng(options.seed ?? 0);
  const minGap = options.minGap ?? 0.5;
  const maxGap = options.maxGap ?? 1.0;
  const gaps = clips.map(() => Math.round((minGap + (maxGap - minGap) * rng.next()) * rate));
  const total = clips.reduce((n, c, i) => n + c.audio.samples.length + gaps[i], 0);
  const samples = new Float32Array(total);
  const truth: LabelledSpan[] = [];
  let at = 0;
  clips.forEach((c, i) => {
    if (c.audio.sampleRate !== rate) throw new Error('concatenateClips: clips must share one sample rate');
    at += gaps[i];
    samples.set(c.audio.samples, at);
    truth.push({ start: at / rate, end: (at + c.audio.samples.length) / rate, label: c.label });
    at += c.audio.samples.length;
  });
  if (options.noiseDb !== undefined) {
    const amplitude = 10 ** (options.noiseDb / 20) * Math.sqrt(3);
    for (let i = 0; i < samples.length; i++) samples[i] += amplitude * (2 * rng.next() - 1);
  }
  return { audio: { samples, sampleRate: rate }, truth };
}

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

/** The label of the event of `kind` overlapping `span` most (null: none overlaps or it has no label). */
function labelOver(events: StreamEvent[], span: { start: number; end: number }): string | null {
  let best: StreamEvent | undefined;
  let most = 0;
  for (const e of events) {
    const o = overlap(e, span);
    if (o > most) {
      most = o;
      best = e;
    }
  }
  return best?.label ?? null;
}

export interface StreamScore {
  /** Known stretches whose most-overlapping segment has their label. */
  segmentAccuracy: number;
  /** Known stretches no segment overlaps (missed by the detector). */
  missed: number;
  /** Speech windows whose (smoothed) label is that of the stretch they overlap most. */
  windowAccuracy: number;
  /** Per known stretch: the label the stream gave it (null: missed). */
  predicted: (string | null)[];
}

/** Score a stream's events against the known stretches. */
export function scoreStream(events: StreamEvent[], truth: LabelledSpan[]): StreamScore {
  const segments = events.filter((e) => e.type === 'segment' && e.label !== null);
  const predicted = truth.map((t) => labelOver(segments, t));
  const windows = events.filter((e) => e.type === 'window' && e.label !== null);
  let right = 0;
  let counted = 0;
  for (const w of windows) {
    const t = labelOver(
      truth.map((s) => ({ ...s, type: 'segment' as const, scores: null })),
      w,
    );
    if (t === null) continue;
    counted++;
    if (t === w.label) right++;
  }
  return {
    segmentAccuracy: truth.length
      ? predicted.filter((p, i) => p === truth[i].label).length / truth.length
      : 0,
    missed: predicted.filter((p) => p === null).length,
    windowAccuracy: counted ? right / counted : 0,
    predicted,
  };
}
