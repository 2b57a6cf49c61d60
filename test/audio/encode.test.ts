import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AudioError,
  decodeAudio,
  encodeWav,
  readAudioFileSync,
  writeWavSync,
  type WavEncoding,
} from '../../lib/audio';
import { dataRoot } from './golden';

test('decode(encode(x)) returns x for audio decoded from files of the same width', () => {
  const real = readAudioFileSync(path.join(dataRoot, 'ravdess/Actor_05/03-01-02-01-02-02-05.wav'));
  const back = decodeAudio(encodeWav(real.channels, real.sampleRate));
  assert.equal(back.sampleRate, real.sampleRate);
  assert.equal(back.encoding, 'pcm16');
  assert.deepEqual(back.channels, real.channels);
  // The 16-bit file written again is byte-identical in its samples to the original's data chunk.
  const original = fs.readFileSync(path.join(dataRoot, 'ravdess/Actor_05/03-01-02-01-02-02-05.wav'));
  const written = encodeWav(real.channels, real.sampleRate);
  assert.deepEqual(
    written.subarray(written.length - 1000),
    new Uint8Array(original.subarray(original.length - 1000)),
  );
});

test('every encoding round-trips its own grid and float keeps values beyond ±1', () => {
  const grids: [WavEncoding, number][] = [
    ['pcm8u', 8],
    ['pcm16', 16],
    ['pcm24', 24],
    ['pcm32', 32],
  ];
  for (const [encoding, bits] of grids) {
    const full = 2 ** (bits - 1);
    const ints = [-full, -full + 1, -1, 0, 1, Math.floor(full / 3), full - 1];
    const x = Float32Array.from(ints, (v) => v / full);
    const back = decodeAudio(encodeWav([x, x.slice().reverse()], 8000, { encoding }));
    assert.equal(back.encoding, encoding);
    assert.deepEqual(back.channels[0], x, encoding);
    assert.deepEqual(back.channels[1], x.slice().reverse(), encoding);
  }
  const floats = Float32Array.from([-3.5, -1, 0, 1e-30, 0.25, 2]);
  for (const encoding of ['float32', 'float64'] as const) {
    const back = decodeAudio(encodeWav([floats], 44100, { encoding }));
    assert.equal(back.encoding, encoding);
    assert.deepEqual(back.channels[0], floats);
  }
});

test('integer encodings round half to even and clip out-of-range values', () => {
  const x = Float32Array.from([2.5 / 32768, 3.5 / 32768, -2.5 / 32768, 1.2, -7, Number.NaN, 32767.4 / 32768]);
  const back = decodeAudio(encodeWav([x], 16000)).channels[0];
  assert.deepEqual(
    Array.from(back, (v) => v * 32768),
    [2, 4, -2, 32767, -32768, 0, 32767],
  );
});

test('writeWavSync writes a file; bad arguments and unwritable paths are one-line AudioErrors', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-wav-'));
  try {
    const file = path.join(dir, 'tone.wav');
    const tone = Float32Array.from({ length: 800 }, (_, i) => Math.round(16384 * Math.sin(i / 10)) / 32768);
    writeWavSync(file, [tone], 8000);
    assert.deepEqual(readAudioFileSync(file).channels[0], tone);

    const target = path.join(dir, 'missing-folder', 'x.wav');
    assert.throws(
      () => writeWavSync(target, [tone], 8000),
      (err: unknown) =>
        err instanceof AudioError && err.code === 'unwritable' && err.message.startsWith(`${target}: `),
    );
    for (const run of [
      () => encodeWav([tone], 0),
      () => encodeWav([tone], 8000.5),
      () => encodeWav([], 8000),
      () => encodeWav([tone, tone.subarray(1)], 8000),
    ]) {
      assert.throws(
        run,
        (err: unknown) =>
          err instanceof AudioError && err.code === 'bad-option' && err.message.startsWith('encodeWav: '),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
