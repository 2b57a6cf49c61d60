import { AudioError } from './errors';
import type { DecodedAudio, SampleEncoding } from './types';

/** CRC-16 (polynomial 0x8005, init 0) that ends every FLAC frame, table-driven. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ bytes[i]];
  return crc;
}

/** Thrown inside the decoder; {@link decodeFlac} turns it into an AudioError naming the file. */
class FlacFormatError extends Error {}

/** MSB-first bit reader over a byte array. */
class BitReader {
  /** Position in bits from the start of `bytes`. */
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    byteOffset: number,
  ) {
    this.pos = byteOffset * 8;
  }

  /** An unsigned value of `n` bits, n <= 32. */
  bits(n: number): number {
    const bytes = this.bytes;
    let value = 0;
    let pos = this.pos;
    if (pos + n > bytes.length * 8) throw new FlacFormatError('truncated frame');
    while (n > 0) {
      const avail = 8 - (pos & 7);
      const take = avail < n ? avail : n;
      const chunk = (bytes[pos >> 3] >> (avail - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk; // multiply, not shift: keeps 32-bit values unsigned
      pos += take;
      n -= take;
    }
    this.pos = pos;
    return value;
  }

  /** A two's-complement value of `n` bits. */
  signed(n: number): number {
    if (n === 0) return 0;
    const value = this.bits(n);
    return value >= 2 ** (n - 1) ? value - 2 ** n : value;
  }

  /** Count zero bits up to and including the terminating one bit. */
  unary(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let zeros = 0;
    for (;;) {
      const index = pos >> 3;
      if (index >= bytes.length) throw new FlacFormatError('truncated frame');
      const offset = pos & 7;
      const rest = (bytes[index] << offset) & 0xff;
      if (rest !== 0) {
        const lead = Math.clz32(rest) - 24;
        zeros += lead;
        this.pos = pos + lead + 1;
        return zeros;
      }
      zeros += 8 - offset;
      pos += 8 - offset;
    }
  }

  alignToByte(): void {
    this.pos = (this.pos + 7) & ~7;
  }

  get byteOffset(): number {
    return this.pos >> 3;
  }
}

interface StreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  totalSamples: number;
}

const BLOCK_SIZES = [0, 192, 576, 1152, 2304, 4608, 0, 0, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const SAMPLE_SIZES = [0, 8, 12, 0, 16, 20, 24, 32];

/** Residual of a subframe (Rice-coded partitions), written into `out` from `order` on. */
function readResidual(reader: BitReader, out: Float64Array, blockSize: number, order: number): void {
  const method = reader.bits(2);
  if (method > 1) throw new FlacFormatError(`reserved residual coding method ${method}`);
  const paramBits = method === 0 ? 4 : 5;
  const escape = method === 0 ? 15 : 31;
  const partitionOrder = reader.bits(4);
  const partitions = 1 << partitionOrder;
  const perPartition = blockSize >> partitionOrder;
  if (perPartition < order || perPartition << partitionOrder !== blockSize) {
    throw new FlacFormatError('residual partition does not fit the block');
  }
  let i = order;
  for (let p = 0; p < partitions; p++) {
    const end = (p + 1) * perPartition;
    const k = reader.bits(paramBits);
    if (k === escape) {
      const rawBits = reader.bits(5);
      for (; i < end; i++) out[i] = reader.signed(rawBits);
    } else {
      i = readRice(reader, out, i, end, k);
    }
  }
}

/**
 * Rice-decode `out[i..end)` with parameter k: the hot loop of FLAC decoding, so it works on local copies
 * of the reader's state instead of calling its methods per sample.
 */
function readRice(reader: BitReader, out: Float64Array, i: number, end: number, k: number): number {
  const bytes = reader.bytes;
  const length = bytes.length;
  const scale = 2 ** k;
  let pos = reader.pos;
  for (; i < end; i++) {
    // Unary quotient: zeros up to the next one bit.
    let index = pos >> 3;
    if (index >= length) throw new FlacFormatError('truncated frame');
    let rest = (bytes[index] << (pos & 7)) & 0xff;
    let q = 0;
    while (rest === 0) {
      q += 8 - (pos & 7);
      pos = ++index << 3;
      if (index >= length) throw new FlacFormatError('truncated frame');
      rest = bytes[index];
    }
    const lead = Math.clz32(rest) - 24;
    q += lead;
    pos += lead + 1;
    // k low bits; a 24-bit window covers them whenever k + (pos & 7) <= 24, the usual case.
    let low = 0;
    if (k > 0) {
      const shift = pos & 7;
      if (k + shift <= 24) {
        const b = pos >> 3;
        const window = (bytes[b] << 16) | (bytes[b + 1] << 8) | bytes[b + 2];
        low = (window >>> (24 - shift - k)) & ((1 << k) - 1);
        pos += k;
      } else {
        reader.pos = pos;
        low = reader.bits(k);
        pos = reader.pos;
      }
    }
    const u = q * scale + low;
    // Zig-zag: even -> positive, odd -> negative (integer ops when u fits in 31 bits, as it nearly always does).
    out[i] = u <= 0x7fffffff ? (u >>> 1) ^ -(u & 1) : u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  if (pos > length * 8) throw new FlacFormatError('truncated frame');
  reader.pos = pos;
  return i;
}

const FIXED_COEFFICIENTS = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]];

/** Decode one subframe of `blockSize` samples at `bits` bits into `out` (float64 so 33-bit sides fit). */
function readSubframe(reader: BitReader, out: Float64Array, blockSize: number, bits: number): void {
  if (reader.bits(1) !== 0) throw new FlacFormatError('subframe padding bit set');
  const type = reader.bits(6);
  let wasted = 0;
  if (reader.bits(1) === 1) wasted = reader.unary() + 1;
  const width = bits - wasted;

  if (type === 0) {
    out.fill(reader.signed(width), 0, blockSize);
  } else if (type === 1) {
    for (let i = 0; i < blockSize; i++) out[i] = reader.signed(width);
  } else if (type >= 8 && type <= 12) {
    const order = type - 8;
    if (order > blockSize) throw new FlacFormatError('predictor order exceeds block size');
    for (let i = 0; i < order; i++) out[i] = reader.signed(width);
    readResidual(reader, out, blockSize, order);
    predict(out, blockSize, FIXED_COEFFICIENTS[order], 0);
  } else if (type >= 32) {
    const order = type - 31;
    if (order > blockSize) throw new FlacFormatError('predictor order exceeds block size');
    for (let i = 0; i < order; i++) out[i] = reader.signed(width);
    const precision = reader.bits(4) + 1;
    if (precision === 16) throw new FlacFormatError('invalid LPC coefficient precision');
    const shift = reader.signed(5);
    if (shift < 0) throw new FlacFormatError('negative LPC shift');
    const coefficients: number[] = [];
    for (let j = 0; j < order; j++) coefficients.push(reader.signed(precision));
    readResidual(reader, out, blockSize, order);
    predict(out, blockSize, coefficients, shift);
  } else {
    throw new FlacFormatError(`reserved subframe type ${type}`);
  }
  if (wasted) for (let i = 0; i < blockSize; i++) out[i] *= 2 ** wasted;
}

/** Add the linear prediction sum(c_j * x[i-1-j]) >> shift to the residuals in place. */
function predict(x: Float64Array, blockSize: number, coefficients: readonly number[], shift: number): void {
  const order = coefficients.length;
  // Reversed so the inner loop walks x forwards: reversed[j] multiplies x[i - order + j].
  const reversed = Float64Array.from(coefficients).reverse();
  // Multiplying by an exact power of two then flooring is the arithmetic right shift, exact while
  // |sum| < 2^53 (always for audio of up to 24 bits).
  const scale = 2 ** -shift;
  for (let i = order; i < blockSize; i++) {
    const base = i - order;
    let sum = 0;
    for (let j = 0; j < order; j++) sum += reversed[j] * x[base + j];
    x[i] += Math.floor(sum * scale);
  }
}

function readStreamInfo(bytes: Uint8Array): { info: StreamInfo; framesStart: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4;
  let info: StreamInfo | undefined;
  for (;;) {
    if (at + 4 > bytes.length) throw new FlacFormatError('metadata truncated');
    const header = bytes[at];
    const length = (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    const body = at + 4;
    if ((header & 0x7f) === 0) {
      if (length < 34 || body + 34 > bytes.length) throw new FlacFormatError('STREAMINFO truncated');
      const packed = view.getUint32(body + 10);
      const low = view.getUint32(body + 14);
      info = {
        sampleRate: packed >>> 12,
        channels: ((packed >>> 9) & 0x7) + 1,
        bitsPerSample: ((packed >>> 4) & 0x1f) + 1,
        totalSamples: (packed & 0xf) * 2 ** 32 + low,
      };
    }
    at = body + length;
    if (header & 0x80) break;
  }
  if (!info) throw new FlacFormatError('no STREAMINFO block');
  if (info.sampleRate === 0) throw new FlacFormatError('STREAMINFO declares a sample rate of 0');
  return { info, framesStart: at };
}

/** A FLAC file's header fields and its frames, decoded one at a time. */
export interface FlacStream {
  sampleRate: number;
  channelCount: number;
  encoding: SampleEncoding;
  /** Frames per channel STREAMINFO declares (0: unknown). */
  totalSamples: number;
  /** Each frame's samples, one array per channel; a file cut inside a frame ends at its last whole frame. */
  frames(): Generator<Float32Array[]>;
}

/** Wrap the decoder's own errors as one-line {@link AudioError}s naming the file. */
function named<T>(path: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof FlacFormatError)
      throw new AudioError('corrupt', path, `bad FLAC stream: ${err.message}`);
    throw err;
  }
}

/**
 * Decode a FLAC stream (any block size, fixed or LPC predictors, stereo decorrelation, 4–32 bits).
 * Every frame's CRC-16 is checked. Samples are scaled like PCM of the same width (value / 2^(bits-1)),
 * so a FLAC file decodes to exactly what its WAV original does.
 */
export function decodeFlac(bytes: Uint8Array, path: string): DecodedAudio {
  const stream = flacStream(bytes, path);
  // totalSamples 0 means unknown: grow as frames arrive. A damaged header can claim up to 2^36 samples,
  // so trust it only up to a generous multiple of the file size (growing covers the rest).
  let capacity = stream.totalSamples > 0 ? Math.min(stream.totalSamples, 8 * bytes.length + 65536) : 1 << 16;
  let channels = Array.from({ length: stream.channelCount }, () => new Float32Array(capacity));
  let written = 0;
  for (const frame of stream.frames()) {
    const blockSize = frame[0].length;
    if (written + blockSize > capacity) {
      capacity = Math.max(capacity * 2, written + blockSize);
      channels = channels.map((old) => {
        const grown = new Float32Array(capacity);
        grown.set(old.subarray(0, written));
        return grown;
      });
    }
    for (let c = 0; c < frame.length; c++) channels[c].set(frame[c], written);
    written += blockSize;
  }
  return {
    sampleRate: stream.sampleRate,
    channels: channels.map((c) => (c.length === written ? c : c.slice(0, written))),
    container: 'flac',
    encoding: stream.encoding,
    ...(stream.totalSamples > written ? { declaredFrames: stream.totalSamples } : {}),
  };
}

/** Read a FLAC file's header; its frames decode lazily (bounded memory for long files). */
export function flacStream(bytes: Uint8Array, path: string): FlacStream {
  const { info, framesStart } = named(path, () => readStreamInfo(bytes));
  const { bitsPerSample } = info;
  return {
    sampleRate: info.sampleRate,
    channelCount: info.channels,
    encoding:
      bitsPerSample <= 8 ? 'pcm8' : bitsPerSample <= 16 ? 'pcm16' : bitsPerSample <= 24 ? 'pcm24' : 'pcm32',
    totalSamples: info.totalSamples,
    frames: function* () {
      const frames = flacFrames(bytes, info, framesStart);
      for (;;) {
        const next = named(path, () => frames.next());
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

function* flacFrames(bytes: Uint8Array, info: StreamInfo, framesStart: number): Generator<Float32Array[]> {
  const { channels: channelCount, bitsPerSample } = info;
  let written = 0;
  const scale = 1 / 2 ** (bitsPerSample - 1);
  const work = Array.from({ length: channelCount }, () => new Float64Array(65536));
  const reader = new BitReader(bytes, framesStart);
  let largestFrame = 0;

  while (reader.byteOffset + 2 <= bytes.length) {
    const frameStart = reader.byteOffset;
    let blockSize: number;
    try {
      blockSize = readFrame(reader, bytes, frameStart, info, work, written);
    } catch (err) {
      // A file cut inside its last frame keeps its whole frames (as a cut WAV keeps its whole samples). A frame
      // that runs to the end from further back than twice the largest frame so far is damage, not a cut.
      const cut = bytes.length - frameStart <= 2 * largestFrame;
      if (err instanceof FlacFormatError && err.message === 'truncated frame' && written > 0 && cut) return;
      throw err;
    }
    largestFrame = Math.max(largestFrame, reader.byteOffset - frameStart);
    if (blockSize === 0) return;
    const out: Float32Array[] = [];
    for (let c = 0; c < channelCount; c++) {
      const block = new Float32Array(blockSize);
      const src = work[c];
      for (let i = 0; i < blockSize; i++) block[i] = src[i] * scale;
      out.push(block);
    }
    written += blockSize;
    yield out;
  }
}

/**
 * Decode the frame at `frameStart` into `work` (one array per channel, grown as needed); returns its block
 * size, or 0 at trailing garbage after the last frame.
 */
function readFrame(
  reader: BitReader,
  bytes: Uint8Array,
  frameStart: number,
  info: StreamInfo,
  work: Float64Array[],
  written: number,
): number {
  const { channels: channelCount, bitsPerSample } = info;
  if (reader.bits(14) !== 0x3ffe) {
    // Trailing garbage (e.g. ID3v1 tags) after the last frame ends the stream.
    if (written > 0) return 0;
    throw new FlacFormatError('no frame sync after metadata');
  }
  reader.bits(2); // reserved bit, blocking strategy
  const blockCode = reader.bits(4);
  const rateCode = reader.bits(4);
  const assignment = reader.bits(4);
  const sizeCode = reader.bits(3);
  reader.bits(1);
  // Frame/sample number, UTF-8-style coded: skip its continuation bytes.
  const lead = reader.bits(8);
  let extra = 0;
  for (let mask = 0x80; lead & mask && mask > 1; mask >>= 1) extra++;
  for (let i = 1; i < extra; i++) reader.bits(8);
  let blockSize = BLOCK_SIZES[blockCode];
  if (blockCode === 6) blockSize = reader.bits(8) + 1;
  else if (blockCode === 7) blockSize = reader.bits(16) + 1;
  if (blockSize === 0) throw new FlacFormatError('reserved block size');
  // Rates in the header only repeat STREAMINFO's; skip their extra bytes.
  if (rateCode === 12) reader.bits(8);
  else if (rateCode === 13 || rateCode === 14) reader.bits(16);
  reader.bits(8); // header CRC-8: the frame CRC-16 below covers the header too
  const bits = sizeCode === 0 ? bitsPerSample : SAMPLE_SIZES[sizeCode];
  if (bits !== bitsPerSample) throw new FlacFormatError(`frame at byte ${frameStart} changes bit depth`);
  const frameChannels = assignment < 8 ? assignment + 1 : 2;
  if (assignment > 10 || frameChannels !== channelCount) {
    throw new FlacFormatError(`frame at byte ${frameStart} has channel assignment ${assignment}`);
  }
  if (blockSize > work[0].length)
    for (let c = 0; c < channelCount; c++) work[c] = new Float64Array(blockSize);

  for (let c = 0; c < channelCount; c++) {
    // The side channel of a stereo pair carries one extra bit.
    const side =
      (assignment === 8 && c === 1) || (assignment === 9 && c === 0) || (assignment === 10 && c === 1);
    readSubframe(reader, work[c], blockSize, bits + (side ? 1 : 0));
  }
  reader.alignToByte();
  const crcAt = reader.byteOffset;
  if (crcAt + 2 > bytes.length) throw new FlacFormatError('truncated frame');
  if (crc16(bytes, frameStart, crcAt) !== reader.bits(16)) {
    throw new FlacFormatError(`CRC mismatch in frame at byte ${frameStart}`);
  }

  if (assignment >= 8) {
    const [a, b] = work;
    for (let i = 0; i < blockSize; i++) {
      if (assignment === 8)
        b[i] = a[i] - b[i]; // left, side -> right
      else if (assignment === 9)
        a[i] = a[i] + b[i]; // side, right -> left
      else {
        const mid = a[i] * 2 + (b[i] % 2 !== 0 ? 1 : 0);
        a[i] = (mid + b[i]) / 2;
        b[i] = (mid - b[i]) / 2;
      }
    }
  }
  return blockSize;
}
