import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioError, decodeAudio, sniffContainer, toMono, type SampleEncoding } from '../../lib/audio';

/** Integer test samples per channel, spanning each format's extremes. */
const INTS: Record<'pcm8u' | 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32', number[]> = {
  pcm8u: [0, 1, 127, 128, 129, 255],
  pcm8: [-128, -1, 0, 1, 64, 127],
  pcm16: [-32768, -1, 0, 1, 12345, 32767],
  pcm24: [-8388608, -1, 0, 1, 1234567, 8388607],
  pcm32: [-2147483648, -1, 0, 1, 123456789, 2147483647],
};
const FLOATS = [-1.5, -1, -0.25, 0, 0.125, 1.75];

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** Bytes of `value` as a `width`-byte integer (two's complement) in the given byte order. */
function intBytes(value: number, width: number, littleEndian: boolean): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(width * 8, BigInt(value));
  for (let i = 0; i < width; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return littleEndian ? out : out.reverse();
}

function floatBytes(value: number, width: 4 | 8, littleEndian: boolean): number[] {
  const view = new DataView(new ArrayBuffer(width));
  if (width === 4) view.setFloat32(0, value, littleEndian);
  else view.setFloat64(0, value, littleEndian);
  return [...new Uint8Array(view.buffer)];
}

function chunk(id: string, body: number[], littleEndian: boolean): number[] {
  return [...ascii(id), ...intBytes(body.length, 4, littleEndian), ...body, ...(body.length & 1 ? [0] : [])];
}

/** Interleave per-channel sample bytes frame by frame. */
function interleave(channels: number[][][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < channels[0].length; i++) for (const c of channels) out.push(...c[i]);
  return out;
}

interface WavSpec {
  formatTag: number;
  bits: number;
  channels: number[][][];
  rate?: number;
  littleEndian?: boolean;
  extensible?: boolean;
  extraChunks?: { before?: number[]; after?: number[] };
}

/** A WAVE file assembled by hand, independent of the decoder under test. */
function wavFile(spec: WavSpec): Uint8Array {
  const le = spec.littleEndian ?? true;
  const channelCount = spec.channels.length;
  const width = Math.ceil(spec.bits / 8);
  const fmt = [
    ...intBytes(spec.extensible ? 0xfffe : spec.formatTag, 2, le),
    ...intBytes(channelCount, 2, le),
    ...intBytes(spec.rate ?? 16000, 4, le),
    ...intBytes((spec.rate ?? 16000) * width * channelCount, 4, le),
    ...intBytes(width * channelCount, 2, le),
    ...intBytes(spec.bits, 2, le),
  ];
  if (spec.extensible) {
    // cbSize, valid bits, channel mask, then the sub-format GUID (format tag + fixed tail).
    fmt.push(...intBytes(22, 2, le), ...intBytes(spec.bits, 2, le), ...intBytes(0, 4, le));
    fmt.push(...intBytes(spec.formatTag, 2, le), 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71);
  }
  const body = [
    ...ascii('WAVE'),
    ...(spec.extraChunks?.before ?? []),
    ...chunk('fmt ', fmt, le),
    ...chunk('data', interleave(spec.channels), le),
    ...(spec.extraChunks?.after ?? []),
  ];
  return Uint8Array.from([...ascii(le ? 'RIFF' : 'RIFX'), ...intBytes(body.length, 4, le), ...body]);
}

/** The 80-bit extended float for an integer rate, as AIFF stores it. */
function extendedBytes(rate: number): number[] {
  const exponent = Math.floor(Math.log2(rate));
  const mantissa = BigInt(rate) << BigInt(63 - exponent);
  return [
    ...intBytes(16383 + exponent, 2, false),
    ...intBytes(Number(mantissa >> 32n), 4, false),
    ...intBytes(Number(mantissa & 0xffffffffn), 4, false),
  ];
}

function aiffFile(
  compression: string | undefined,
  bits: number,
  channels: number[][][],
  rate: number,
): Uint8Array {
  const frames = channels[0].length;
  const comm = [
    ...intBytes(channels.length, 2, false),
    ...intBytes(frames, 4, false),
    ...intBytes(bits, 2, false),
    ...extendedBytes(rate),
  ];
  if (compression) comm.push(...ascii(compression), 0, 0); // empty Pascal string name, padded
  const ssnd = [...intBytes(0, 4, false), ...intBytes(0, 4, false), ...interleave(channels)];
  const body = [
    ...ascii(compression ? 'AIFC' : 'AIFF'),
    ...chunk('COMM', comm, false),
    ...chunk('SSND', ssnd, false),
  ];
  return Uint8Array.from([...ascii('FORM'), ...intBytes(body.length, 4, false), ...body]);
}

/** Expected float value of an integer sample: libsndfile divides by 2^(bits-1) (8-bit WAV is offset by 128). */
function expectedFromInt(encoding: keyof typeof INTS, value: number): number {
  if (encoding === 'pcm8u') return (value - 128) / 128;
  const bits = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32 }[encoding];
  return Math.fround(Math.fround(value) / 2 ** (bits - 1));
}

test('WAVE integer PCM of every width decodes to value / 2^(bits-1), in both byte orders', () => {
  for (const [encoding, bits] of [
    ['pcm8u', 8],
    ['pcm16', 16],
    ['pcm24', 24],
    ['pcm32', 32],
  ] as const) {
    for (const littleEndian of [true, false]) {
      const left = INTS[encoding];
      const right = [...left].reverse();
      const width = bits / 8;
      const toBytes = (v: number): number[] =>
        encoding === 'pcm8u' ? [v] : intBytes(v, width, littleEndian);
      const file = wavFile({
        formatTag: 1,
        bits,
        littleEndian,
        channels: [left.map(toBytes), right.map(toBytes)],
      });
      const decoded = decodeAudio(file, 'synthetic.wav');
      const label = `${encoding} ${littleEndian ? 'RIFF' : 'RIFX'}`;
      assert.equal(decoded.encoding, encoding, label);
      assert.equal(decoded.sampleRate, 16000, label);
      assert.deepEqual(
        Array.from(decoded.channels[0]),
        left.map((v) => expectedFromInt(encoding, v)),
        label,
      );
      assert.deepEqual(
        Array.from(decoded.channels[1]),
        right.map((v) => expectedFromInt(encoding, v)),
        label,
      );
    }
  }
});

test('WAVE float 32/64 keep values beyond ±1; WAVE_FORMAT_EXTENSIBLE reads its sub-format', () => {
  for (const [bits, encoding] of [
    [32, 'float32'],
    [64, 'float64'],
  ] as const) {
    for (const extensible of [false, true]) {
      const file = wavFile({
        formatTag: 3,
        bits,
        extensible,
        channels: [FLOATS.map((v) => floatBytes(v, (bits / 8) as 4 | 8, true))],
      });
      const decoded = decodeAudio(file);
      assert.equal(decoded.encoding, encoding);
      assert.deepEqual(Array.from(decoded.channels[0]), FLOATS);
    }
  }
  const pcm = wavFile({
    formatTag: 1,
    bits: 24,
    extensible: true,
    channels: [INTS.pcm24.map((v) => intBytes(v, 3, true))],
  });
  assert.deepEqual(
    Array.from(decodeAudio(pcm).channels[0]),
    INTS.pcm24.map((v) => v / 2 ** 23),
  );
});

test('chunks before fmt and after data, including odd-sized ones, are skipped', () => {
  const samples = INTS.pcm16.map((v) => intBytes(v, 2, true));
  const file = wavFile({
    formatTag: 1,
    bits: 16,
    rate: 24414,
    channels: [samples],
    extraChunks: { before: chunk('JUNK', [1, 2, 3], true), after: chunk('LIST', ascii('INFOISFT'), true) },
  });
  const decoded = decodeAudio(file);
  assert.equal(decoded.sampleRate, 24414);
  assert.deepEqual(
    Array.from(decoded.channels[0]),
    INTS.pcm16.map((v) => v / 32768),
  );
});

test('AIFF and AIFF-C (NONE, twos, sowt, fl32, fl64) decode with their byte order and rate', () => {
  const be16 = INTS.pcm16.map((v) => intBytes(v, 2, false));
  const expected16 = INTS.pcm16.map((v) => v / 32768);
  for (const compression of [undefined, 'NONE', 'twos']) {
    const decoded = decodeAudio(aiffFile(compression, 16, [be16], 24414));
    assert.equal(decoded.container, 'aiff');
    assert.equal(decoded.sampleRate, 24414);
    assert.deepEqual(Array.from(decoded.channels[0]), expected16, String(compression));
  }
  const sowt = decodeAudio(aiffFile('sowt', 16, [INTS.pcm16.map((v) => intBytes(v, 2, true))], 44100));
  assert.deepEqual(Array.from(sowt.channels[0]), expected16);
  const signed8 = decodeAudio(aiffFile(undefined, 8, [INTS.pcm8.map((v) => intBytes(v, 1, false))], 8000));
  assert.deepEqual(
    Array.from(signed8.channels[0]),
    INTS.pcm8.map((v) => v / 128),
  );
  for (const [name, width] of [
    ['fl32', 4],
    ['fl64', 8],
  ] as const) {
    const decoded = decodeAudio(
      aiffFile(name, width * 8, [FLOATS.map((v) => floatBytes(v, width, false))], 22050),
    );
    assert.deepEqual(Array.from(decoded.channels[0]), FLOATS, name);
  }
  const stereo = decodeAudio(aiffFile(undefined, 16, [be16, [...be16].reverse()], 48000));
  assert.deepEqual(Array.from(stereo.channels[1]), [...expected16].reverse());
});

test('toMono averages channels like numpy.mean in float32', () => {
  const a = Float32Array.from([1, -1, 0.1, 0.7, 3e-8]);
  const b = Float32Array.from([0, 1, 0.2, 0.7000001, 1]);
  const c = Float32Array.from([0.5, 0.5, 0.3, -0.1, 1e8]);
  assert.deepEqual(Array.from(toMono([a, b])), [
    0.5,
    0,
    Math.fround(Math.fround(a[2] + b[2]) / 2),
    Math.fround(Math.fround(a[3] + b[3]) / 2),
    Math.fround(Math.fround(a[4] + b[4]) / 2),
  ]);
  const three = toMono([a, b, c]);
  for (let i = 0; i < a.length; i++)
    assert.equal(three[i], Math.fround(Math.fround(Math.fround(a[i] + b[i]) + c[i]) / 3));
  assert.equal(toMono([a]), a);
  assert.throws(() => toMono([a, Float32Array.of(1)]), AudioError);
  assert.throws(() => toMono([]), AudioError);
});

function expectDecodeError(bytes: Uint8Array, code: AudioError['code'], problem: RegExp): void {
  assert.throws(
    () => decodeAudio(bytes, 'x/y.wav'),
    (err: unknown) =>
      err instanceof AudioError &&
      err.code === code &&
      err.message.startsWith('x/y.wav: ') &&
      problem.test(err.problem),
  );
}

test('unsupported and malformed inputs give typed one-line errors', () => {
  const pcm = INTS.pcm16.map((v) => intBytes(v, 2, true));
  expectDecodeError(
    wavFile({ formatTag: 7, bits: 8, channels: [[[1], [2]]] }),
    'unsupported',
    /format tag 0x0007/,
  );
  expectDecodeError(wavFile({ formatTag: 3, bits: 16, channels: [pcm] }), 'unsupported', /0x0003, 16 bits/);
  expectDecodeError(aiffFile('ima4', 16, [pcm], 8000), 'unsupported', /ima4/);
  expectDecodeError(Uint8Array.from([...ascii('OggS'), ...new Array(40).fill(0)]), 'unsupported', /Ogg/);
  expectDecodeError(Uint8Array.from([...ascii('ID3'), ...new Array(40).fill(0)]), 'unsupported', /MP3/);
  expectDecodeError(Uint8Array.from(ascii('RIFF\u0004\u0000\u0000\u0000WAVE')), 'corrupt', /no fmt chunk/);
  const noData = wavFile({ formatTag: 1, bits: 16, channels: [pcm] }).subarray(0, 36);
  expectDecodeError(noData, 'corrupt', /no data chunk/);
  expectDecodeError(wavFile({ formatTag: 1, bits: 16, channels: [[]] }), 'corrupt', /no audio samples/);
});

test('sniffContainer goes by content, never by name', () => {
  const wav = wavFile({ formatTag: 1, bits: 16, channels: [[[0, 0]]] });
  const aiff = aiffFile(undefined, 16, [[[0, 0]]], 8000);
  assert.equal(sniffContainer(wav), 'wav');
  assert.equal(sniffContainer(aiff), 'aiff');
  assert.equal(sniffContainer(Uint8Array.from([...ascii('fLaC'), ...new Array(10).fill(0)])), 'flac');
  assert.equal(sniffContainer(Uint8Array.from(ascii('hello world!'))), undefined);
  const encodings: SampleEncoding[] = [decodeAudio(wav).encoding, decodeAudio(aiff).encoding];
  assert.deepEqual(encodings, ['pcm16', 'pcm16']);
});
