import { aiffLayout, decodeAiff } from './aiff';
import { AudioError } from './errors';
import { decodeFlac, flacStream } from './flac';
import { fourcc, pcmBlocks } from './pcm';
import type { AudioContainer, DecodedAudio, SampleEncoding } from './types';
import { decodeWav, wavLayout } from './wav';

/** The container a file really is, from its first bytes; undefined when it is none this library reads. */
export function sniffContainer(bytes: Uint8Array): AudioContainer | undefined {
  if (bytes.length < 12) return undefined;
  const head = fourcc(bytes, 0);
  if ((head === 'RIFF' || head === 'RIFX') && fourcc(bytes, 8) === 'WAVE') return 'wav';
  if (head === 'FORM' && (fourcc(bytes, 8) === 'AIFF' || fourcc(bytes, 8) === 'AIFC')) return 'aiff';
  if (head === 'fLaC') return 'flac';
  return undefined;
}

/** A short human name for common formats we do not read, so the error says what the file is. */
function describeForeign(bytes: Uint8Array): string {
  const head = bytes.length >= 4 ? fourcc(bytes, 0) : '';
  if (head === 'OggS') return 'an Ogg file (Vorbis/Opus are not supported)';
  if (head.startsWith('ID3') || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0))
    return 'an MP3 file (not supported)';
  if (head === 'RF64') return 'an RF64 file (not supported)';
  if (bytes.length >= 8 && fourcc(bytes, 4) === 'ftyp') return 'an MP4/M4A file (not supported)';
  if (bytes.length === 0) return 'an empty file';
  return 'not an audio file this library reads (expected WAV, AIFF or FLAC)';
}

/**
 * Decode a whole audio file held in memory. The container is recognised by its magic bytes, not by
 * the name, because real corpora mislabel files (TESS has AIFF files named `.wav`).
 *
 * @param bytes the file's contents
 * @param path used only to name the file in errors (default `<memory>`)
 * @throws {AudioError} `unsupported` for real audio in a format not handled, `corrupt` for malformed files
 */
export function decodeAudio(bytes: Uint8Array, path = '<memory>'): DecodedAudio {
  const container = knownContainer(bytes, path);
  let decoded: DecodedAudio;
  switch (container) {
    case 'wav':
      decoded = decodeWav(bytes, path);
      break;
    case 'aiff':
      decoded = decodeAiff(bytes, path);
      break;
    case 'flac':
      decoded = decodeFlac(bytes, path);
      break;
  }
  if (decoded.channels[0].length === 0) throw noSamples(path);
  return decoded;
}

function knownContainer(bytes: Uint8Array, path: string): AudioContainer {
  const container = sniffContainer(bytes);
  if (container !== undefined) return container;
  const what = describeForeign(bytes);
  throw new AudioError(what.includes('not supported') ? 'unsupported' : 'corrupt', path, what);
}

/** The error for a file whose header is sound but which holds no sample. */
export function noSamples(path: string): AudioError {
  return new AudioError('corrupt', path, 'the file holds no audio samples');
}

/** An audio file's header, with its samples decoded block by block on demand. */
export interface AudioBlocks {
  sampleRate: number;
  channelCount: number;
  container: AudioContainer;
  encoding: SampleEncoding;
  /** Frames per channel the header declares; undefined when it does not say (a FLAC stream may not). */
  declaredFrames?: number;
  /**
   * The samples in blocks (one array per channel each) of about `blockFrames` frames (FLAC's whole frames
   * gathered, so up to one frame more). A truncated file ends at its last whole frame.
   */
  blocks(blockFrames: number): Generator<Float32Array[]>;
}

/** FLAC's short frames gathered into blocks of about `blockFrames` (fewer, larger pushes downstream). */
function* regroup(
  frames: Iterable<Float32Array[]>,
  blockFrames: number,
  channelCount: number,
): Generator<Float32Array[]> {
  let held: Float32Array[][] = [];
  let count = 0;
  const flush = (): Float32Array[] => {
    const block = Array.from({ length: channelCount }, (_, c) => {
      if (held.length === 1) return held[0][c];
      const out = new Float32Array(count);
      let at = 0;
      for (const f of held) {
        out.set(f[c], at);
        at += f[c].length;
      }
      return out;
    });
    held = [];
    count = 0;
    return block;
  };
  for (const frame of frames) {
    held.push(frame);
    count += frame[0].length;
    if (count >= blockFrames) yield flush();
  }
  if (count > 0) yield flush();
}

/**
 * Read an audio file's header and decode its samples lazily, so that memory stays bounded by the block size
 * whatever the duration (the encoded bytes are held, not the decoded signal). Same checks and errors as
 * {@link decodeAudio}.
 */
export function openAudio(bytes: Uint8Array, path = '<memory>'): AudioBlocks {
  const container = knownContainer(bytes, path);
  if (container === 'flac') {
    const flac = flacStream(bytes, path);
    return {
      sampleRate: flac.sampleRate,
      channelCount: flac.channelCount,
      container,
      encoding: flac.encoding,
      ...(flac.totalSamples > 0 ? { declaredFrames: flac.totalSamples } : {}),
      blocks: (blockFrames) => regroup(flac.frames(), blockFrames, flac.channelCount),
    };
  }
  const layout = container === 'wav' ? wavLayout(bytes, path) : aiffLayout(bytes, path);
  return {
    sampleRate: layout.sampleRate,
    channelCount: layout.channelCount,
    container,
    encoding: layout.encoding,
    declaredFrames: layout.declaredFrames ?? layout.frames,
    blocks: (blockFrames) => pcmBlocks(bytes, layout, Math.max(1, Math.floor(blockFrames))),
  };
}
