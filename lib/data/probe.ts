/**
 * What the manifest needs from each audio file: its format, length and two hashes. Runs in manifest worker
 * threads (manifest-worker.ts) or in the calling thread.
 *
 * Two hashes, for two questions:
 * - `fileHash`, SHA-256 of the file bytes: byte-identical copies (RAVDESS's duplicated recording);
 * - `contentHash`, SHA-256 of the decoded audio (sample rate, channel count, then each channel's float32
 *   samples, little-endian): the same audio stored differently (the FLAC and the WAV of a clip, a re-saved
 *   copy with other metadata chunks) matches. Duplicates and split leakage checks use `contentHash`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { AudioError } from '../audio/errors';
import { decodeAudio } from '../audio/decode';
import type { AudioContainer, DecodedAudio, SampleEncoding } from '../audio/types';

export interface AudioProbe {
  /** File size in bytes. */
  bytes: number;
  fileHash: string;
  contentHash: string;
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  frames: number;
  container: AudioContainer;
  encoding: SampleEncoding;
}

/** A probe, or why the file cannot be used (the decoder's one-line problem, without the path). */
export type ProbeOutcome = { ok: true; probe: AudioProbe } | { ok: false; reason: string };

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** SHA-256 of decoded audio, independent of container and encoding (see the module comment). */
export function audioContentHash(audio: DecodedAudio): string {
  const h = createHash('sha256');
  const head = Buffer.alloc(8);
  head.writeUInt32LE(audio.sampleRate, 0);
  head.writeUInt32LE(audio.channels.length, 4);
  h.update(head);
  for (const ch of audio.channels) {
    const bytes = Buffer.from(ch.buffer, ch.byteOffset, ch.byteLength);
    if (littleEndian) h.update(bytes);
    else h.update(Buffer.from(bytes).swap32());
  }
  return h.digest('hex');
}

/** Probe audio held in memory; `path` only names the file in errors. */
export function probeAudioBytes(bytes: Uint8Array, path: string): AudioProbe {
  const audio = decodeAudio(bytes, path);
  return {
    bytes: bytes.length,
    fileHash: createHash('sha256').update(bytes).digest('hex'),
    contentHash: audioContentHash(audio),
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    frames: audio.channels[0].length,
    container: audio.container,
    encoding: audio.encoding,
  };
}

/** Read and probe a file; unreadable or undecodable files give `{ ok: false, reason }`, never a throw. */
export function probeFile(path: string): ProbeOutcome {
  try {
    return { ok: true, probe: probeAudioBytes(fs.readFileSync(path), path) };
  } catch (err) {
    if (err instanceof AudioError) return { ok: false, reason: `cannot decode: ${err.problem}` };
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E')) return { ok: false, reason: `cannot read: ${code}` };
    // Anything else escaped the decoder's own checks: still one file's problem, not the whole manifest's.
    return { ok: false, reason: `cannot decode: ${String((err as Error).message ?? err).split('\n')[0]}` };
  }
}
