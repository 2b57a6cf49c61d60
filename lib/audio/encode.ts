import * as fs from 'node:fs';
import { AudioError } from './errors';
import { bytesPerSample } from './pcm';
import type { SampleEncoding } from './types';

/** Encodings {@link encodeWav} writes (WAV stores 8-bit PCM unsigned). */
export type WavEncoding = Exclude<SampleEncoding, 'pcm8'>;

/** Options of {@link encodeWav}. */
export interface WavEncodeOptions {
  /** Sample format; default `'pcm16'`. */
  encoding?: WavEncoding;
}

/**
 * Default speaker masks (Microsoft KSAUDIO_SPEAKER_*: mono, stereo, 2.1 front, quad, 5.0, 5.1, -, 7.1
 * surround); other counts are written as 0, "unassigned", which some tools reject.
 */
const CHANNEL_MASKS = [0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0, 0x63f];

/** Round half to even, as C's lrint does in the default rounding mode. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A RIFF/WAVE file holding `channels` (float samples, one array per channel, equal lengths).
 * Integer encodings scale by 2^(bits-1), round half to even and clip to the format's range, so decoding
 * returns the same float32 samples whenever they were already on that grid (a lossless round trip for
 * anything decoded from a file of that width); float encodings store values unclipped.
 * Formats other than 8/16-bit mono/stereo PCM use WAVE_FORMAT_EXTENSIBLE, as the WAVE spec asks.
 *
 * @throws {AudioError} `bad-option` for an invalid rate, no channels or unequal channel lengths
 */
export function encodeWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  options: WavEncodeOptions = {},
): Uint8Array {
  const encoding = options.encoding ?? 'pcm16';
  const where = 'encodeWav';
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new AudioError(
      'bad-option',
      where,
      `sampleRate must be a positive integer in Hz, got ${sampleRate}`,
      false,
    );
  }
  if (channels.length === 0 || channels.length > 0xffff) {
    throw new AudioError('bad-option', where, `needs 1 to 65535 channels, got ${channels.length}`, false);
  }
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) {
    throw new AudioError('bad-option', where, 'channels differ in length', false);
  }
  const width = bytesPerSample(encoding);
  const isFloat = encoding === 'float32' || encoding === 'float64';
  const extensible = channels.length > 2 || width > 2;
  const fmtSize = extensible ? 40 : isFloat ? 18 : 16;
  const dataSize = frames * channels.length * width;
  const factSize = isFloat ? 12 : 0;
  const headerSize = 12 + 8 + fmtSize + factSize + 8;
  if (headerSize + dataSize + (dataSize & 1) - 8 > 0xffffffff) {
    throw new AudioError('bad-option', where, 'audio too long for a WAV file (over 4 GiB)', false);
  }
  const bytes = new Uint8Array(headerSize + dataSize + (dataSize & 1));
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i);
  };
  const formatTag = isFloat ? 3 : 1;

  ascii(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, extensible ? 0xfffe : formatTag, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * width * channels.length, true);
  view.setUint16(32, width * channels.length, true);
  view.setUint16(34, width * 8, true);
  let at = 36;
  if (fmtSize > 16) {
    view.setUint16(at, fmtSize - 18, true);
    at += 2;
  }
  if (extensible) {
    view.setUint16(at, width * 8, true); // valid bits
    view.setUint32(at + 2, CHANNEL_MASKS[channels.length] ?? 0, true);
    // Sub-format GUID: the format tag, then 0000-0010-8000-00AA00389B71.
    bytes.set([formatTag, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], at + 6);
    at += 22;
  }
  if (isFloat) {
    ascii(at, 'fact');
    view.setUint32(at + 4, 4, true);
    view.setUint32(at + 8, frames, true);
    at += 12;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, dataSize, true);
  at += 8;

  const bits = width * 8;
  const full = 2 ** (bits - 1);
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const v = channel[i];
      if (encoding === 'float32') view.setFloat32(at, v, true);
      else if (encoding === 'float64') view.setFloat64(at, v, true);
      else {
        // NaN becomes silence rather than an arbitrary integer.
        const q = Number.isNaN(v) ? 0 : Math.min(full - 1, Math.max(-full, roundHalfEven(v * full)));
        if (encoding === 'pcm8u') bytes[at] = q + 128;
        else if (encoding === 'pcm16') view.setInt16(at, q, true);
        else if (encoding === 'pcm24') {
          bytes[at] = q & 0xff;
          bytes[at + 1] = (q >> 8) & 0xff;
          bytes[at + 2] = (q >> 16) & 0xff;
        } else view.setInt32(at, q, true);
      }
      at += width;
    }
  }
  return bytes;
}

/**
 * Write `channels` to `path` as WAV (see {@link encodeWav}; default 16-bit PCM).
 *
 * @throws {AudioError} `unwritable` when the file cannot be written, `bad-option` as {@link encodeWav}
 */
export function writeWavSync(
  path: string,
  channels: readonly Float32Array[],
  sampleRate: number,
  options: WavEncodeOptions = {},
): void {
  const bytes = encodeWav(channels, sampleRate, options);
  try {
    fs.writeFileSync(path, bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AudioError('unwritable', path, `cannot write file (${code})`);
  }
}
