import { AudioError } from './errors';
import { bytesPerSample, checkChannelCount, decodePcm, fourcc, type PcmLayout } from './pcm';
import type { DecodedAudio, SampleEncoding } from './types';

/** The 80-bit IEEE 754 extended float AIFF uses for its sample rate. */
function readExtended(view: DataView, at: number): number {
  const exponent = view.getUint16(at) & 0x7fff;
  const sign = view.getUint16(at) & 0x8000 ? -1 : 1;
  const mantissa = view.getUint32(at + 2) * 2 ** 32 + view.getUint32(at + 6);
  if (exponent === 0 && mantissa === 0) return 0;
  return sign * mantissa * 2 ** (exponent - 16383 - 63);
}

/** AIFF-C compression types that are plain samples; anything else (ima4, ulaw, ...) is unsupported. */
function encodingFor(
  compression: string,
  bits: number,
): { encoding: SampleEncoding; littleEndian: boolean } | undefined {
  const width = Math.ceil(bits / 8) * 8;
  const pcm = ({ 8: 'pcm8', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' } as const)[width as 8 | 16 | 24 | 32];
  switch (compression) {
    case 'NONE':
    case 'twos':
      return pcm && { encoding: pcm, littleEndian: false };
    case 'sowt':
      return pcm && { encoding: pcm, littleEndian: true };
    case 'fl32':
    case 'FL32':
      return { encoding: 'float32', littleEndian: false };
    case 'fl64':
    case 'FL64':
      return { encoding: 'float64', littleEndian: false };
    default:
      return undefined;
  }
}

/**
 * Decode an AIFF or AIFF-C file (big-endian `FORM` container): signed PCM 8/16/24/32-bit, little-endian
 * `sowt` PCM, and `fl32`/`fl64` float. Two TESS files are AIFF behind a `.wav` name, which is why
 * {@link decodeAudio} sniffs magic bytes instead of trusting extensions.
 */
export function decodeAiff(bytes: Uint8Array, path: string): DecodedAudio {
  return decodePcm(bytes, aiffLayout(bytes, path), 'aiff');
}

/** The sample layout of an AIFF or AIFF-C file, from its header (see {@link decodeAiff}). */
export function aiffLayout(bytes: Uint8Array, path: string): PcmLayout {
  const kind = fourcc(bytes, 8);
  if (fourcc(bytes, 0) !== 'FORM' || (kind !== 'AIFF' && kind !== 'AIFC')) {
    throw new AudioError('corrupt', path, 'not an AIFF file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let common:
    | { channels: number; frames: number; bits: number; rate: number; compression: string }
    | undefined;
  let sound: { start: number; size: number } | undefined;

  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4);
    const body = at + 8;
    if (id === 'COMM') {
      if (size < 18 || body + 18 > bytes.length)
        throw new AudioError('corrupt', path, `COMM chunk too short (${size} bytes)`);
      common = {
        channels: view.getUint16(body),
        frames: view.getUint32(body + 2),
        bits: view.getUint16(body + 6),
        rate: readExtended(view, body + 8),
        compression: kind === 'AIFC' && size >= 22 ? fourcc(bytes, body + 18) : 'NONE',
      };
    } else if (id === 'SSND') {
      if (body + 8 > bytes.length) throw new AudioError('corrupt', path, 'SSND chunk truncated');
      // The 8-byte header's first field is an offset to the first sample frame (usually 0).
      const start = body + 8 + view.getUint32(body);
      sound = { start, size: Math.max(0, Math.min(body + size, bytes.length) - start) };
    }
    at = body + size + (size & 1);
  }

  if (!common) throw new AudioError('corrupt', path, 'AIFF file has no COMM chunk');
  if (!sound) throw new AudioError('corrupt', path, 'AIFF file has no SSND chunk');
  const layout = encodingFor(common.compression, common.bits);
  if (!layout) {
    throw new AudioError(
      'unsupported',
      path,
      `unsupported AIFF encoding (compression '${common.compression}', ${common.bits} bits)`,
    );
  }
  checkChannelCount(common.channels, 'AIFF file', path);
  const rate = Math.round(common.rate);
  // WAV and FLAC cannot store rates beyond 32 bits either; an 80-bit float can hold Infinity or 1e300.
  if (!(rate >= 1 && rate <= 0xffffffff))
    throw new AudioError('corrupt', path, `AIFF file declares a sample rate of ${common.rate}`);
  const frameBytes = bytesPerSample(layout.encoding) * common.channels;
  const frameCount = Math.min(common.frames, Math.floor(sound.size / frameBytes));
  return {
    sampleRate: rate,
    channelCount: common.channels,
    encoding: layout.encoding,
    littleEndian: layout.littleEndian,
    dataStart: sound.start,
    frames: frameCount,
    ...(common.frames > frameCount ? { declaredFrames: common.frames } : {}),
  };
}
