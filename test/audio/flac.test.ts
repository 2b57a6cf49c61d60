import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AudioError,
  decodeAudio,
  encodeWav,
  loadAudioSync,
  readAudioFileSync,
  type WavEncoding,
} from '../../lib/audio';
import { dataRoot, lcgSignal, sharedDatasets } from './golden';

function assertSameAudio(actual: Float32Array[], expected: Float32Array[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: channel count`);
  for (let c = 0; c < expected.length; c++) {
    assert.equal(actual[c].length, expected[c].length, `${label}: channel ${c} length`);
    const at = actual[c].findIndex((v, i) => v !== expected[c][i]);
    assert.equal(at, -1, `${label}: channel ${c} differs at sample ${at}`);
  }
}

test('shared-corpus FLAC files decode to exactly the samples of their WAV originals', () => {
  for (const rel of [
    'tess/OAF_angry/OAF_bar_angry', // carries the original RIFF chunks in APPLICATION metadata
    'tess/YAF_pleasant_surprise/YAF_back_ps',
    'ravdess/Actor_01/03-01-02-01-01-02-01', // stereo
    'ravdess/Actor_05/03-01-02-01-02-02-05', // stereo
    'ravdess/Actor_16/03-01-08-02-02-02-16',
  ]) {
    const flac = readAudioFileSync(path.join(sharedDatasets, `${rel}.flac`));
    const wav = readAudioFileSync(path.join(dataRoot, `${rel}.wav`));
    assert.equal(flac.container, 'flac');
    assert.equal(flac.encoding, 'pcm16');
    assert.equal(flac.sampleRate, wav.sampleRate, rel);
    assertSameAudio(flac.channels, wav.channels, rel);
  }
  const loaded = loadAudioSync(path.join(sharedDatasets, 'tess/OAF_angry/OAF_bar_angry.flac'));
  const reference = loadAudioSync(path.join(dataRoot, 'tess/OAF_angry/OAF_bar_angry.wav'));
  assertSameAudio([loaded.samples], [reference.samples], 'loadAudio of a .flac path');
});

/** Encode `wav` with the flac command-line encoder and return the FLAC bytes. */
function flacEncode(dir: string, wav: Uint8Array, args: string[]): Uint8Array {
  const input = path.join(dir, 'in.wav');
  const output = path.join(dir, 'out.flac');
  fs.writeFileSync(input, wav);
  const run = spawnSync('flac', ['-s', '-f', ...args, '-o', output, input], { encoding: 'utf8' });
  if (run.error)
    throw new Error(`these tests need the flac encoder (apt-get install -y flac): ${run.error.message}`);
  assert.equal(run.status, 0, `flac ${args.join(' ')}: ${run.stderr}`);
  return fs.readFileSync(output);
}

test('every predictor, block size, stereo mode and bit depth the flac encoder produces decodes losslessly', () => {
  const speech = readAudioFileSync(path.join(dataRoot, 'ravdess/Actor_01/03-01-02-01-01-02-01.wav'));
  const [left, right] = speech.channels.map((c) => c.subarray(22050, 44100));
  const noise = lcgSignal(left.length, 3);
  // Multiples of 2^-13: the encoder finds 2 wasted bits per 16-bit sample.
  const coarse = left.map((v) => Math.round(v * 8192) / 8192);
  const silence = new Float32Array(left.length);
  const cases: { name: string; channels: Float32Array[]; encoding: WavEncoding; args: string[] }[] = [
    { name: 'fixed predictors', channels: [left], encoding: 'pcm16', args: ['-0'] },
    { name: 'LPC, exhaustive search', channels: [left, right], encoding: 'pcm16', args: ['-8', '-e', '-p'] },
    {
      name: 'LPC order 32, 4608 blocks',
      channels: [left],
      encoding: 'pcm16',
      args: ['--lax', '-l', '32', '-b', '4608'],
    },
    { name: 'tiny blocks, mid-side', channels: [left, right], encoding: 'pcm16', args: ['-b', '192', '-m'] },
    {
      name: 'adaptive stereo, 8 partitions',
      channels: [left, right],
      encoding: 'pcm16',
      args: ['-M', '-r', '8'],
    },
    { name: 'independent stereo', channels: [right, left], encoding: 'pcm16', args: ['-5', '--no-mid-side'] },
    { name: 'verbatim and constant subframes', channels: [noise, silence], encoding: 'pcm16', args: ['-5'] },
    { name: 'wasted bits', channels: [coarse], encoding: 'pcm16', args: ['-5'] },
    { name: '8-bit', channels: [left, right], encoding: 'pcm8u', args: ['-5'] },
    {
      name: '24-bit stereo',
      channels: [left, noise.map((v) => v * 0.001 + 1e-6)],
      encoding: 'pcm24',
      args: ['-8'],
    },
    { name: '32-bit', channels: [left], encoding: 'pcm32', args: ['-5'] },
    {
      name: '3 channels, odd block size',
      channels: [left, right, noise],
      encoding: 'pcm16',
      args: ['--lax', '-b', '1000'],
    },
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-flac-'));
  try {
    for (const c of cases) {
      const wav = encodeWav(c.channels, 22050, { encoding: c.encoding });
      const expected = decodeAudio(wav);
      const flac = decodeAudio(flacEncode(dir, wav, c.args), `${c.name}.flac`);
      assert.equal(flac.sampleRate, 22050, c.name);
      assertSameAudio(flac.channels, expected.channels, c.name);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('damaged FLAC streams are corrupt-file AudioErrors naming the file', () => {
  const bytes = fs.readFileSync(path.join(sharedDatasets, 'tess/YAF_pleasant_surprise/YAF_back_ps.flac'));
  const flipped = Uint8Array.from(bytes);
  flipped[Math.floor(bytes.length * 0.6)] ^= 0x10;
  for (const [damaged, problem] of [
    [flipped, /CRC mismatch|bad FLAC stream/],
    [bytes.subarray(0, 30), /STREAMINFO|metadata/],
  ] as const) {
    assert.throws(
      () => decodeAudio(damaged, 'bad.flac'),
      (err: unknown) =>
        err instanceof AudioError &&
        err.code === 'corrupt' &&
        err.message.startsWith('bad.flac: ') &&
        problem.test(err.message),
    );
  }
});

test('a FLAC file cut in half decodes its whole frames and keeps the length its header declares', () => {
  const bytes = fs.readFileSync(path.join(sharedDatasets, 'tess/YAF_pleasant_surprise/YAF_back_ps.flac'));
  const whole = decodeAudio(bytes, 'whole.flac');
  assert.equal(whole.declaredFrames, undefined);
  const half = decodeAudio(bytes.subarray(0, Math.floor(bytes.length / 2)), 'half.flac');
  const n = half.channels[0].length;
  assert.ok(n > 0 && n < whole.channels[0].length, `${n} frames`);
  assert.deepEqual(half.channels[0], whole.channels[0].subarray(0, n));
  assert.equal(half.declaredFrames, whole.channels[0].length);
});

/** MSB-first bit writer for hand-assembled FLAC streams. */
class BitWriter {
  readonly bytes: number[] = [];
  private bitCount = 0;
  write(value: number, bits: number): this {
    for (let b = bits - 1; b >= 0; b--) {
      if (this.bitCount % 8 === 0) this.bytes.push(0);
      const bit = Math.floor(value / 2 ** b) % 2 !== 0 ? 1 : 0;
      this.bytes[this.bytes.length - 1] |= bit << (7 - (this.bitCount % 8));
      this.bitCount++;
    }
    return this;
  }
  signed(value: number, bits: number): this {
    return this.write(value < 0 ? value + 2 ** bits : value, bits);
  }
}

function crc(bytes: number[], polynomial: number, width: 8 | 16): number {
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  let value = 0;
  for (const byte of bytes) {
    value ^= byte << (width - 8);
    for (let b = 0; b < 8; b++)
      value = value & top ? ((value << 1) ^ polynomial) & mask : (value << 1) & mask;
  }
  return value;
}

test('escape-coded (raw) residual partitions and LPC subframes written by hand decode as specified', () => {
  const samples = [1000, -2000, 32767, -32768, 0, 5, -5, 12345];
  // STREAMINFO: 8-sample blocks, 16 kHz, mono, 16 bits, 8 samples in total.
  const info = new BitWriter()
    .write(8, 16)
    .write(8, 16)
    .write(0, 24)
    .write(0, 24)
    .write(16000, 20)
    .write(0, 3)
    .write(15, 5)
    .write(0, 4)
    .write(samples.length, 32);
  for (let i = 0; i < 16; i++) info.write(0, 8); // MD5 unknown
  const header = new BitWriter()
    .write(0x3ffe, 14)
    .write(0, 2)
    .write(6, 4)
    .write(0, 4)
    .write(0, 4)
    .write(4, 3)
    .write(0, 1);
  header.write(0, 8).write(samples.length - 1, 8);
  const frame = [...header.bytes, crc(header.bytes, 0x07, 8)];
  // Subframe: fixed predictor of order 0; residual = the samples, in one escaped partition of 16-bit raw values.
  const sub = new BitWriter()
    .write(0, 1)
    .write(0b001000, 6)
    .write(0, 1)
    .write(0, 2)
    .write(0, 4)
    .write(15, 4)
    .write(16, 5);
  for (const s of samples) sub.signed(s, 16);
  // A second frame: LPC order 1 (coefficient 1, shift 0, i.e. x[i] = x[i-1] + r[i]) with Rice k = 3.
  const second = [...header.bytes.slice(0, 4), 1, samples.length - 1];
  const secondFrame = [...second, crc(second, 0x07, 8)];
  const residuals = [3, -1, 0, 7, -8, 2, 0];
  const lpc = new BitWriter().write(0, 1).write(0b100000, 6).write(0, 1).signed(100, 16);
  lpc.write(1, 4).signed(0, 5).signed(1, 2); // precision 2 bits, shift 0, coefficient 1
  lpc.write(0, 2).write(0, 4).write(3, 4);
  for (const r of residuals) {
    const u = r >= 0 ? 2 * r : -2 * r - 1;
    lpc.write(1, Math.floor(u / 8) + 1).write(u % 8, 3); // unary zeros then a one, then 3 low bits
  }
  const stream: number[] = [...'fLaC'].map((c) => c.charCodeAt(0));
  stream.push(0x80, 0, 0, 34, ...info.bytes);
  for (const body of [
    [...frame, ...sub.bytes],
    [...secondFrame, ...lpc.bytes],
  ]) {
    const crc16 = crc(body, 0x8005, 16);
    stream.push(...body, crc16 >> 8, crc16 & 0xff);
  }
  const decoded = decodeAudio(Uint8Array.from(stream), 'hand.flac');
  const expectedLpc = residuals.reduce((acc, r) => [...acc, acc[acc.length - 1] + r], [100]);
  assert.equal(decoded.sampleRate, 16000);
  assert.deepEqual(
    Array.from(decoded.channels[0]),
    [...samples, ...expectedLpc].map((v) => v / 32768),
  );
});
