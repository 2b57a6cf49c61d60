/**
 * Node-side inputs of an {@link EmotionStream}: a recording of any supported format, or raw PCM from a pipe
 * (`arecord -f S16_LE -r 16000 -c 1 | ser stream --model DIR -`).
 */
import * as fs from 'node:fs';
import { noSamples, openAudio } from '../audio/decode';
import { formatNotes, silentChannelNote, truncationNote } from '../audio/notes';
import { checkPlausibleRate } from '../audio/prepare';
import { UserError } from '../util/errors';
import type { InferenceModel } from './model';
import { BLOCK_SECONDS, pushBlocks } from './long-audio';
import { EmotionStream, type StreamEvent, type StreamOptions } from './stream';

export type PcmEncoding = 's16le' | 'f32le';

/** Layout of raw PCM: interleaved little-endian samples, no header. */
export interface RawPcmFormat {
  rate: number;
  channels: number;
  encoding: PcmEncoding;
}

/** Notes on a recording unlike the training audio (telephone rate, many channels). */
export const inputNotes = formatNotes;

/**
 * Turns byte chunks of raw PCM into mono float samples, carrying partial frames over to the next chunk.
 */
export class PcmDecoder {
  private carry = Buffer.alloc(0);
  private readonly frameBytes: number;

  constructor(readonly format: RawPcmFormat) {
    this.frameBytes = format.channels * (format.encoding === 's16le' ? 2 : 4);
  }

  /** Mono samples of the complete frames received so far. */
  push(chunk: Buffer): Float32Array {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const frames = Math.floor(bytes.length / this.frameBytes);
    this.carry = Buffer.from(bytes.subarray(frames * this.frameBytes));
    const { channels, encoding } = this.format;
    const out = new Float32Array(frames);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) {
        const at = f * this.frameBytes + c * (encoding === 's16le' ? 2 : 4);
        sum += encoding === 's16le' ? bytes.readInt16LE(at) / 32768 : bytes.readFloatLE(at);
      }
      out[f] = sum / channels;
    }
    return out;
  }

  /** Bytes of an incomplete last frame (a stream cut mid-frame), dropped. */
  get leftover(): number {
    return this.carry.length;
  }
}

/** Where events go, as they come. */
export type EventSink = (events: StreamEvent[]) => void;

/**
 * Stream a recording (WAV/AIFF/FLAC, any rate and channel count): decoded in blocks and mixed to mono block
 * by block as a live input would arrive, so memory stays bounded whatever its duration. Returns notes on the
 * input. `onSeconds` hears the seconds pushed so far.
 */
export function streamRecording(
  model: InferenceModel,
  file: string,
  sink: EventSink,
  options: StreamOptions & { onSeconds?: (seconds: number) => void } = {},
): { seconds: number; notes: string[] } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('no such file', file);
    if (code === 'EISDIR') throw new UserError('is a directory, not an audio file', file);
    throw new UserError(`cannot read (${code ?? (err as Error).message})`, file);
  }
  if (bytes.length === 0) throw new UserError('empty file (0 bytes), not audio', file);
  const source = openAudio(bytes, file);
  checkPlausibleRate(source.sampleRate, file);
  const { onSeconds, ...streamOptions } = options;
  const stream = new EmotionStream(model, source.sampleRate, streamOptions);
  const blockFrames = Math.max(1, Math.round(BLOCK_SECONDS * source.sampleRate));
  const pushed = pushBlocks(stream, source.blocks(blockFrames), source.channelCount, sink, onSeconds);
  if (pushed.frames === 0) throw noSamples(file);
  return {
    seconds: pushed.frames / source.sampleRate,
    notes: [
      ...formatNotes(source.sampleRate, source.channelCount),
      ...silentChannelNote(pushed.silentChannels, source.channelCount),
      ...truncationNote(pushed.frames, source.declaredFrames, source.sampleRate),
    ],
  };
}

/** Stream raw PCM from `input` (stdin) until it ends. Returns seconds read and notes. */
export async function streamRawPcm(
  model: InferenceModel,
  input: NodeJS.ReadableStream,
  format: RawPcmFormat,
  sink: EventSink,
  options: StreamOptions = {},
): Promise<{ seconds: number; notes: string[] }> {
  const decoder = new PcmDecoder(format);
  const stream = new EmotionStream(model, format.rate, options);
  let samples = 0;
  for await (const chunk of input) {
    const mono = decoder.push(chunk as Buffer);
    samples += mono.length;
    if (mono.length > 0) sink(stream.push(mono));
  }
  sink(stream.end());
  const notes = inputNotes(format.rate, format.channels);
  if (decoder.leftover > 0)
    notes.push(`the input ended mid-frame: ${decoder.leftover} trailing bytes ignored`);
  return { seconds: samples / format.rate, notes };
}
