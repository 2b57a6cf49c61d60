import { AudioError } from './errors';
import type { AudioContainer, DecodedAudio, SampleEncoding } from './types';

/** The four ASCII characters at `at` (a RIFF/IFF chunk id). */
export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** More channels than this in a header is damage, not audio (WAV's field allows 65535). */
export const MAX_PLAUSIBLE_CHANNELS = 256;

/** The one message for a channel count no recording has, found before any sample is read. */
export function checkChannelCount(channels: number, what: string, path: string): void {
  if (channels < 1) throw new AudioError('corrupt', path, `${what} declares 0 channels`);
  if (channels > MAX_PLAUSIBLE_CHANNELS)
    throw new AudioError(
      'corrupt',
      path,
      `implausible channel count ${channels} in the header (expected 1–${MAX_PLAUSIBLE_CHANNELS})`,
    );
}

/** Where a PCM container (WAV, AIFF) keeps its interleaved samples, from its header. */
export interface PcmLayout {
  sampleRate: number;
  channelCount: number;
  encoding: SampleEncoding;
  littleEndian: boolean;
  /** Byte offset of the first frame. */
  dataStart: number;
  /** Whole frames present in the file. */
  frames: number;
  /** Frames the header declares, when that is more than the file holds (a truncated file). */
  declaredFrames?: number;
}

/** Decode a whole PCM layout. */
export function decodePcm(bytes: Uint8Array, layout: PcmLayout, container: AudioContainer): DecodedAudio {
  const { dataStart, frames, channelCount, encoding, littleEndian, declaredFrames } = layout;
  return {
    sampleRate: layout.sampleRate,
    channels: deinterleave(bytes, dataStart, frames, channelCount, encoding, littleEndian),
    container,
    encoding,
    ...(declaredFrames !== undefined ? { declaredFrames } : {}),
  };
}

/** A PCM layout's frames in blocks of at most `blockFrames` (one array per channel each). */
export function* pcmBlocks(
  bytes: Uint8Array,
  layout: PcmLayout,
  blockFrames: number,
): Generator<Float32Array[]> {
  const { dataStart, frames, channelCount, encoding, littleEndian } = layout;
  const frameBytes = bytesPerSample(encoding) * channelCount;
  for (let f = 0; f < frames; f += blockFrames) {
    const n = Math.min(blockFrames, frames - f);
    yield deinterleave(bytes, dataStart + f * frameBytes, n, channelCount, encoding, littleEndian);
  }
}

/** Bytes one sample occupies in the file for an encoding. */
export function bytesPerSample(encoding: SampleEncoding): number {
  switch (encoding) {
    case 'pcm8u':
    case 'pcm8':
      return 1;
    case 'pcm16':
      return 2;
    case 'pcm24':
      return 3;
    case 'pcm32':
    case 'float32':
      return 4;
    case 'float64':
      return 8;
  }
}

/**
 * De-interleave `frameCount` frames starting at `byteOffset` into one float32 array per channel.
 *
 * Scaling follows libsndfile (which librosa reads through): integer PCM is divided by 2^(bits-1), so
 * int16 maps to [-1, 1 - 2^-15]; 32-bit integers are first rounded to float32 as libsndfile does; float
 * samples are kept unclipped (float64 rounded to float32).
 */
export function deinterleave(
  bytes: Uint8Array,
  byteOffset: number,
  frameCount: number,
  channelCount: number,
  encoding: SampleEncoding,
  littleEndian: boolean,
): Float32Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = bytesPerSample(encoding);
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(frameCount));
  const stride = width * channelCount;
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c];
    let p = byteOffset + c * width;
    switch (encoding) {
      case 'pcm8u':
        for (let i = 0; i < frameCount; i++, p += stride) out[i] = (bytes[p] - 128) / 128;
        break;
      case 'pcm8':
        for (let i = 0; i < frameCount; i++, p += stride) out[i] = view.getInt8(p) / 128;
        break;
      case 'pcm16':
        for (let i = 0; i < frameCount; i++, p += stride) out[i] = view.getInt16(p, littleEndian) / 32768;
        break;
      case 'pcm24': {
        const loByte = littleEndian ? 0 : 2;
        const hiByte = 2 - loByte;
        for (let i = 0; i < frameCount; i++, p += stride) {
          // (hi << 24) >> 8 sign-extends the top byte.
          const value = ((bytes[p + hiByte] << 24) >> 8) | (bytes[p + 1] << 8) | bytes[p + loByte];
          out[i] = value / 8388608;
        }
        break;
      }
      case 'pcm32':
        for (let i = 0; i < frameCount; i++, p += stride)
          out[i] = Math.fround(view.getInt32(p, littleEndian)) / 2147483648;
        break;
      case 'float32':
        for (let i = 0; i < frameCount; i++, p += stride) out[i] = view.getFloat32(p, littleEndian);
        break;
      case 'float64':
        for (let i = 0; i < frameCount; i++, p += stride) out[i] = view.getFloat64(p, littleEndian);
        break;
    }
  }
  return channels;
}
