/**
 * Node-side inputs of an {@link EmotionStream}: a recording of any supported format, or raw PCM from a pipe
 * (`arecord -f S16_LE -r 16000 -c 1 | ser stream --model DIR -`).
 */
import * as fs from 'node:fs';
import { decodeAudio } from '../audio/decode';
import { toMono } from '../audio/mono';
import { UserError } from '../util/errors';
import type { InferenceModel } from './model';
import { EmotionStream, type StreamEvent, type StreamOptions } from './stream';

export type PcmEncoding = 's16le' | 'f32le';

/** Layout of raw PCM: interleaved little-endian samples, no header. */
export interface RawPcmFormat {
  rate: number;
  channels: number;
  encoding: PcmEncoding;
}

/** Notes on a recording unlike the training audio (telephone rate, many channels). */
export function inputNotes(rate: number, channels: number): string[] {
  const notes: string[] = [];
  if (rate < 16000)
    notes.push(
      `${rate} Hz audio has nothing above ${rate / 2} Hz; the model learned from wideband speech, expect lower accuracy`,
    );
  if (channels > 2) notes.push(`${channels} channels mixed down to mono`);
  return notes;
}

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
 * Stream a recording (WAV/AIFF/FLAC, any rate and channel count): decoded, mixed to mono, then pushed in
 * `chunkSeconds` pieces as a live input would arrive. Returns notes on the input.
 */
export function streamRecording(
  model: InferenceModel,
  file: string,
  sink: EventSink,
  options: StreamOptions & { chunkSeconds?: number } = {},
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
  const audio = decodeAudio(bytes, file);
  const mono = toMono(audio.channels);
  const stream = new EmotionStream(model, audio.sampleRate, options);
  const chunk = Math.max(1, Math.round((options.chunkSeconds ?? 10) * audio.sampleRate));
  for (let at = 0; at < mono.length; at += chunk) sink(stream.push(mono.subarray(at, at + chunk)));
  sink(stream.end());
  return {
    seconds: mono.length / audio.sampleRate,
    notes: inputNotes(audio.sampleRate, audio.channels.length),
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
