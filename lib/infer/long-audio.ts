/**
 * Audio of any length in bounded memory: a file's samples are decoded in blocks (lib/audio's openAudio), mixed
 * to mono block by block and pushed through the streaming core (./stream.ts), whose segments are what a long
 * recording is classified as, as `ser stream` does. Clips up to {@link MAX_CLIP_SECONDS} are gathered whole
 * and classified as one clip instead. Browser-safe: the demo page routes uploads with the same code.
 */
import type { AudioBlocks } from '../audio/decode';
import { toMono } from '../audio/mono';
import type { DecodedAudio } from '../audio/types';
import { argmax } from '../metrics/summary';
import type { EmotionStream, SegmentEvent, StreamEvent } from './stream';

/** Longer audio is classified through the streaming core's segments, not as one clip. */
export const MAX_CLIP_SECONDS = 60;

/** Seconds decoded per block (FLAC yields its own, shorter frames). */
export const BLOCK_SECONDS = 10;

/** Decoded audio viewed as blocks, so that in-memory audio takes the same route as a file. */
export function blocksOf(audio: DecodedAudio): AudioBlocks {
  return {
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    container: audio.container,
    encoding: audio.encoding,
    declaredFrames: audio.declaredFrames ?? audio.channels[0].length,
    blocks: function* (blockFrames: number) {
      const n = audio.channels[0].length;
      for (let at = 0; at < n; at += blockFrames)
        yield audio.channels.map((c) => c.subarray(at, at + blockFrames));
    },
  };
}

/** What pushing a source through a stream saw: frames per channel and which channels held only zeros. */
export interface PushedAudio {
  frames: number;
  silentChannels: number[];
}

/** Tracks frames and all-zero channels over blocks. */
class BlockStats {
  frames = 0;
  private readonly heard: boolean[];
  constructor(channels: number) {
    this.heard = new Array<boolean>(channels).fill(false);
  }
  add(block: Float32Array[]): void {
    this.frames += block[0].length;
    block.forEach((c, i) => {
      if (this.heard[i]) return;
      for (let k = 0; k < c.length; k++)
        if (c[k] !== 0) {
          this.heard[i] = true;
          return;
        }
    });
  }
  result(): PushedAudio {
    const silent = this.heard.length < 2 ? [] : this.heard.flatMap((h, i) => (h ? [] : [i]));
    return { frames: this.frames, silentChannels: silent };
  }
}

/**
 * Push blocks (one array per channel each) through `stream`, mixed to mono, then end it; events go to `sink`
 * as they are decided. `onSeconds` hears the seconds pushed so far after each block.
 */
export function pushBlocks(
  stream: EmotionStream,
  blocks: Iterable<Float32Array[]>,
  channels: number,
  sink: (events: StreamEvent[]) => void,
  onSeconds?: (seconds: number) => void,
): PushedAudio {
  const stats = new BlockStats(channels);
  for (const block of blocks) {
    stats.add(block);
    sink(stream.push(toMono(block)));
    onSeconds?.(stats.frames / stream.inputRate);
  }
  sink(stream.end());
  return stats.result();
}

/** A source read up to the clip limit: whole (a clip), or the blocks read so far and the rest (long audio). */
export type RoutedAudio =
  | { kind: 'clip'; audio: DecodedAudio }
  | { kind: 'long'; source: AudioBlocks; blocks: Iterable<Float32Array[]> };

/**
 * Read `source` until it ends or passes `maxSeconds`: a clip is gathered into one {@link DecodedAudio}; longer
 * audio keeps its first blocks and the undecoded rest, so at most `maxSeconds` (plus one block) is ever held.
 */
export function routeAudio(source: AudioBlocks, maxSeconds = MAX_CLIP_SECONDS): RoutedAudio {
  const blockFrames = Math.max(1, Math.round(BLOCK_SECONDS * source.sampleRate));
  const iterator = source.blocks(blockFrames)[Symbol.iterator]();
  const head: Float32Array[][] = [];
  let frames = 0;
  for (;;) {
    const next = iterator.next();
    if (next.done) break;
    head.push(next.value);
    frames += next.value[0].length;
    if (frames > maxSeconds * source.sampleRate) {
      const rest: Iterable<Float32Array[]> = {
        [Symbol.iterator]: () => iterator,
      };
      return {
        kind: 'long',
        source,
        blocks: (function* () {
          yield* head.splice(0);
          yield* rest;
        })(),
      };
    }
  }
  const channels = Array.from({ length: source.channelCount }, (_, c) => {
    if (head.length === 1) return head[0][c];
    // Zero blocks (no samples) give empty channels, which the clip's checks report.
    const out = new Float32Array(frames);
    let at = 0;
    for (const block of head) {
      out.set(block[c], at);
      at += block[c].length;
    }
    return out;
  });
  const declared = source.declaredFrames;
  return {
    kind: 'clip',
    audio: {
      sampleRate: source.sampleRate,
      channels,
      container: source.container,
      encoding: source.encoding,
      ...(declared !== undefined && declared > frames ? { declaredFrames: declared } : {}),
    },
  };
}

/** One speech segment of a long recording, as `ser stream` prints it (without its type). */
export interface SegmentResult {
  start: number;
  end: number;
  label: string | null;
  scores: Record<string, number> | null;
}

/**
 * The scores of a whole recording from its segments: their scores averaged with their durations as weights,
 * and the top class of that; null without a classified segment.
 */
export function recordingScores(
  segments: SegmentResult[],
  labels: string[],
): { label: string; scores: Record<string, number> } | null {
  const sum = new Array<number>(labels.length).fill(0);
  let weight = 0;
  for (const s of segments) {
    if (s.scores === null) continue;
    const w = s.end - s.start;
    labels.forEach((l, j) => (sum[j] += w * s.scores![l]));
    weight += w;
  }
  if (weight === 0) return null;
  const mean = sum.map((x) => x / weight);
  return { label: labels[argmax(mean)], scores: Object.fromEntries(labels.map((l, j) => [l, mean[j]])) };
}

/** A segment event as a result (the event's own fields, without its type). */
export function segmentResult(e: SegmentEvent): SegmentResult {
  return { start: e.start, end: e.end, label: e.label, scores: e.scores };
}
