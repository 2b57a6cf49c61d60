import { decodeAiff } from './aiff';
import { AudioError } from './errors';
import { decodeFlac } from './flac';
import { fourcc } from './pcm';
import type { AudioContainer, DecodedAudio } from './types';
import { decodeWav } from './wav';

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
  const container = sniffContainer(bytes);
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
    default: {
      const what = describeForeign(bytes);
      throw new AudioError(what.includes('not supported') ? 'unsupported' : 'corrupt', path, `${what}`);
    }
  }
  if (decoded.channels[0].length === 0)
    throw new AudioError('corrupt', path, 'the file holds no audio samples');
  return decoded;
}
