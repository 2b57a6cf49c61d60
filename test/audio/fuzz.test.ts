import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AudioError, decodeAudio, encodeWav, prepareAudio, resample } from '../../lib/audio';
import { runFuzz } from '../../bench/fuzz-wav';
import { dataRoot, sharedDatasets } from './golden';

test('fuzz (reduced CI form of bench/fuzz-wav): every damaged file decodes or throws an AudioError', async () => {
  // 75 cases of each of the 9 kinds (the header kind included: each bad header gets its own message).
  const report = await runFuzz({ cases: 675, seed: 7 });
  const failures = JSON.stringify(report.failures);
  assert.equal(report.cases, 675);
  assert.equal(report.crashes, 0, `crashes: ${failures}`);
  assert.equal(report.hangs, 0, `hangs: ${failures}`);
  assert.equal(report.invalid, 0, `broken results: ${failures}`);
  assert.equal(report.ok + report.typedErrors, report.cases);
  // The cases must exercise both sides: damage that is survivable and damage that is not.
  assert.ok(report.ok > 50 && report.typedErrors > 50, JSON.stringify(report.byKind));
  for (const [kind, outcomes] of Object.entries(report.byKind)) {
    assert.ok(outcomes.ok + outcomes.typedError === 75, `${kind}: ${JSON.stringify(outcomes)}`);
  }
});

/** Expect decodeAudio to throw a one-line corrupt-file AudioError matching `problem`. */
function expectCorrupt(bytes: Uint8Array, problem: RegExp): void {
  assert.throws(
    () => decodeAudio(bytes, 'damaged.file'),
    (err: unknown) =>
      err instanceof AudioError &&
      err.code === 'corrupt' &&
      problem.test(err.message) &&
      err.message.startsWith('damaged.file: '),
  );
}

test('a FLAC STREAMINFO claiming 2^36 samples decodes what the frames hold (found by fuzzing)', () => {
  const bytes = new Uint8Array(
    fs.readFileSync(path.join(sharedDatasets, 'tess/OAF_angry/OAF_bar_angry.flac')),
  );
  const original = decodeAudio(bytes);
  // STREAMINFO starts at byte 8; total samples are the low 36 bits of its bytes 13..17.
  const lying = bytes.slice();
  lying[8 + 13] |= 0x0f;
  lying.fill(0xff, 8 + 14, 8 + 18);
  const decoded = decodeAudio(lying);
  assert.equal(decoded.channels[0].length, original.channels[0].length);
  assert.deepEqual(decoded.channels, original.channels);

  const rateZero = bytes.slice();
  rateZero.fill(0, 8 + 10, 8 + 12);
  rateZero[8 + 12] &= 0x0f;
  expectCorrupt(rateZero, /sample rate of 0/);
});

test('an AIFF whose 80-bit rate is Infinity or astronomically large is corrupt (found by fuzzing)', () => {
  const bytes = new Uint8Array(fs.readFileSync(path.join(dataRoot, 'tess/YAF_angry/YAF_germ_angry.wav')));
  const comm = Buffer.from(bytes).indexOf('COMM');
  assert.ok(comm > 0);
  const rateAt = comm + 8 + 8;
  for (const exponent of [0x7fff, 0x4400]) {
    const damaged = bytes.slice();
    damaged[rateAt] = exponent >> 8;
    damaged[rateAt + 1] = exponent & 0xff;
    expectCorrupt(damaged, /sample rate of/);
  }
});

test('a WAV header declaring ~4.3 GHz loads as an AudioError naming the file, not a RangeError', () => {
  const bytes = encodeWav([new Float32Array(1000).fill(0.1)], 16000);
  new DataView(bytes.buffer).setUint32(24, 4294967291, true); // the fmt chunk's sample rate
  const decoded = decodeAudio(bytes);
  assert.equal(decoded.sampleRate, 4294967291);
  assert.throws(
    () => prepareAudio(decoded, 'absurd-rate.wav', { sampleRate: 16000 }),
    (err: unknown) =>
      err instanceof AudioError &&
      err.code === 'unsupported' &&
      /^absurd-rate\.wav: implausible sample rate 4294967291 Hz/.test(err.message),
  );
  // resample itself still refuses such a filter when called directly.
  assert.throws(() => resample(new Float32Array(10), 4294967291, 16000), /limit 16777216/);
});
