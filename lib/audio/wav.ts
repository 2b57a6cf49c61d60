import { AudioError } from './errors';
import { bytesPerSample, checkChannelCount, decodePcm, fourcc, type PcmLayout } from './pcm';
import type { DecodedAudio, SampleEncoding } from './types';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function encodingFor(formatTag: number, bits: number): SampleEncoding | undefined {
  if (formatTag === WAVE_FORMAT_IEEE_FLOAT)
    return bits === 32 ? 'float32' : bits === 64 ? 'float64' : undefined;
  if (formatTag !== WAVE_FORMAT_PCM) return undefined;
  // Containers are whole bytes; a 12- or 20-bit stream sits left-justified in 16 or 24 bits.
  const container = Math.ceil(bits / 8) * 8;
  return ({ 8: 'pcm8u', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' } as const)[container as 8 | 16 | 24 | 32];
}

/**
 * Decode a RIFF (little-endian) or RIFX (big-endian) WAVE file: integer PCM 8/16/24/32-bit, IEEE float
 * 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE. Chunks may come in any order (many TESS files carry a
 * `LIST` chunk after `data`); a `data` chunk whose declared size runs past the end of the file is read
 * up to the last whole frame, as libsndfile does.
 */
export function decodeWav(bytes: Uint8Array, path: string): DecodedAudio {
  return decodePcm(bytes, wavLayout(bytes, path), 'wav');
}

/** The sample layout of a WAVE file, from its header (see {@link decodeWav}). */
export function wavLayout(bytes: Uint8Array, path: string): PcmLayout {
  const riff = fourcc(bytes, 0);
  if ((riff !== 'RIFF' && riff !== 'RIFX') || fourcc(bytes, 8) !== 'WAVE') {
    throw new AudioError('corrupt', path, 'not a RIFF/WAVE file');
  }
  const littleEndian = riff === 'RIFF';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let data: { start: number; size: number; declared: number } | undefined;

  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, littleEndian);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length)
        throw new AudioError('corrupt', path, `fmt chunk too short (${size} bytes)`);
      let tag = view.getUint16(body, littleEndian);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > bytes.length)
          throw new AudioError('corrupt', path, 'WAVE_FORMAT_EXTENSIBLE fmt chunk too short');
        // The sub-format GUID starts with the plain format tag.
        tag = view.getUint16(body + 24, littleEndian);
      }
      format = {
        tag,
        channels: view.getUint16(body + 2, littleEndian),
        rate: view.getUint32(body + 4, littleEndian),
        bits: view.getUint16(body + 14, littleEndian),
      };
    } else if (id === 'data') {
      data = { start: body, size: Math.min(size, bytes.length - body), declared: size };
      if (format) break;
    }
    at = body + size + (size & 1);
  }

  if (!format) throw new AudioError('corrupt', path, 'WAVE file has no fmt chunk');
  if (!data) throw new AudioError('corrupt', path, 'WAVE file has no data chunk');
  const encoding = encodingFor(format.tag, format.bits);
  if (!encoding) {
    throw new AudioError(
      'unsupported',
      path,
      `unsupported WAVE encoding (format tag 0x${format.tag.toString(16).padStart(4, '0')}, ${format.bits} bits)`,
    );
  }
  checkChannelCount(format.channels, 'WAVE file', path);
  if (format.rate < 1) throw new AudioError('corrupt', path, 'WAVE file declares a sample rate of 0');
  const frameBytes = bytesPerSample(encoding) * format.channels;
  const frameCount = Math.floor(data.size / frameBytes);
  // Writers that never finish (a crash while recording) leave 0 or 0xFFFFFFFF; neither is a real length.
  const declaredFrames = Math.floor(data.declared / frameBytes);
  const truncated = data.declared > data.size && data.declared !== 0xffffffff;
  return {
    sampleRate: format.rate,
    channelCount: format.channels,
    encoding,
    littleEndian,
    dataStart: data.start,
    frames: frameCount,
    ...(truncated && declaredFrames > frameCount ? { declaredFrames } : {}),
  };
}
