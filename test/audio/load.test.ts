import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AudioError, encodeWav, loadAudio, loadAudioSync, readAudioFileSync, toMono } from '../../lib/audio';
import { compareToSummary, dataRoot, golden } from './golden';

for (const g of golden.files) {
  test(`${g.path} (${g.why}) loads exactly as librosa.load(sr=${g.targetRate}, res_type='polyphase')`, async () => {
    const file = path.join(dataRoot, g.path);
    const decoded = readAudioFileSync(file);
    assert.equal(decoded.sampleRate, g.nativeRate);
    assert.equal(decoded.channels.length, g.channelCount);
    for (const [stage, actual, expected] of [
      ['decoded channel 0', decoded.channels[0], g.decoded],
      ['mono', toMono(decoded.channels), g.mono],
    ] as const) {
      assert.equal(actual.length, expected.length, `${stage} length`);
      const { firstMismatch, sumSquares } = compareToSummary(actual, expected);
      assert.equal(firstMismatch, -1, `${stage} differs at sample ${firstMismatch}`);
      assert.ok(Math.abs(sumSquares - expected.sumSquares) <= 1e-9 * expected.sumSquares, `${stage} energy`);
    }

    const loaded = await loadAudio(file, { sampleRate: g.targetRate });
    assert.equal(loaded.sampleRate, g.targetRate);
    assert.equal(loaded.nativeSampleRate, g.nativeRate);
    assert.equal(loaded.channelCount, g.channelCount);
    assert.equal(loaded.samples.length, g.output.length);
    const { firstMismatch, sumSquares } = compareToSummary(loaded.samples, g.output);
    assert.equal(firstMismatch, -1, `resampled output differs at sample ${firstMismatch}`);
    // The sum over every sample catches a difference between the kept ones.
    assert.ok(Math.abs(sumSquares - g.output.sumSquares) <= 1e-9 * g.output.sumSquares, 'output energy');
  });
}

test('the AIFF and float quirk files are recognised by content, not by their .wav name', () => {
  const aiff = readAudioFileSync(path.join(dataRoot, 'tess/YAF_angry/YAF_germ_angry.wav'));
  assert.equal(aiff.container, 'aiff');
  const float = readAudioFileSync(path.join(dataRoot, 'tess/YAF_sad/YAF_beg_sad.wav'));
  assert.equal(float.encoding, 'float32');
  // librosa keeps float samples unclipped; so do we.
  assert.ok(float.channels[0].some((v) => Math.abs(v) > 1));
});

test('default is mono at 22050 Hz; sampleRate null keeps the native rate', () => {
  const file = path.join(dataRoot, 'tess/OAF_fear/OAF_food_fear.wav');
  const resampled = loadAudioSync(file);
  assert.equal(resampled.sampleRate, 22050);
  const native = loadAudioSync(file, { sampleRate: null });
  assert.equal(native.sampleRate, 96000);
  assert.equal(native.samples.length, readAudioFileSync(file).channels[0].length);
});

test('offset and duration cut whole frames at the native rate before resampling, as librosa does', () => {
  const file = path.join(dataRoot, 'ravdess/Actor_01/03-01-02-01-01-02-01.wav');
  const whole = loadAudioSync(file, { sampleRate: null });
  const part = loadAudioSync(file, { sampleRate: null, offset: 0.5, duration: 1.25 });
  const start = Math.trunc(0.5 * 22050);
  assert.deepEqual(part.samples, whole.samples.subarray(start, start + Math.trunc(1.25 * 22050)));
  const pastEnd = loadAudioSync(file, { sampleRate: null, offset: 1, duration: 1000 });
  assert.equal(pastEnd.samples.length, whole.samples.length - 22050);
  const resampled = loadAudioSync(file, { sampleRate: 16000, offset: 0.5, duration: 1.25 });
  assert.equal(resampled.samples.length, Math.ceil((Math.trunc(1.25 * 22050) * 16000) / 22050));
});

function expectAudioError(run: () => unknown, code: AudioError['code'], file: string, problem: RegExp): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof AudioError, `expected AudioError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.path, file);
    assert.ok(err.message.startsWith(`${file}: `), err.message);
    assert.ok(!err.message.includes('\n'), 'one line');
    assert.match(err.problem, problem);
    return true;
  });
}

test('user errors are one-line AudioErrors naming the path', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-audio-'));
  try {
    const missing = path.join(dir, 'nope.wav');
    expectAudioError(() => loadAudioSync(missing), 'not-found', missing, /no such file/);
    await assert.rejects(
      loadAudio(missing),
      (err: unknown) => err instanceof AudioError && err.code === 'not-found',
    );
    expectAudioError(() => loadAudioSync(dir), 'not-found', dir, /directory/);

    const text = path.join(dir, 'notes.wav');
    fs.writeFileSync(text, 'these are not the samples you are looking for');
    expectAudioError(() => loadAudioSync(text), 'corrupt', text, /not an audio file/);

    const empty = path.join(dir, 'empty.wav');
    fs.writeFileSync(empty, '');
    expectAudioError(() => loadAudioSync(empty), 'corrupt', empty, /empty/);

    // A real file cut inside its header: the fmt chunk is gone.
    const real = fs.readFileSync(path.join(dataRoot, 'tess/OAF_angry/OAF_bar_angry.wav'));
    const truncated = path.join(dir, 'truncated.wav');
    fs.writeFileSync(truncated, real.subarray(0, 20));
    expectAudioError(() => loadAudioSync(truncated), 'corrupt', truncated, /fmt chunk/);

    // The same file cut mid-data still loads what is there, like libsndfile.
    const cut = path.join(dir, 'cut.wav');
    fs.writeFileSync(cut, real.subarray(0, 1001));
    assert.ok(loadAudioSync(cut, { sampleRate: null }).samples.length > 400);

    const good = path.join(dataRoot, 'tess/OAF_angry/OAF_bar_angry.wav');
    expectAudioError(() => loadAudioSync(good, { sampleRate: 0 }), 'bad-option', good, /sampleRate/);
    expectAudioError(() => loadAudioSync(good, { sampleRate: 22050.5 }), 'bad-option', good, /sampleRate/);
    expectAudioError(() => loadAudioSync(good, { offset: -1 }), 'bad-option', good, /offset/);
    expectAudioError(() => loadAudioSync(good, { duration: Number.NaN }), 'bad-option', good, /duration/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loadAudio refuses an implausible header rate before resampling, but keeps such a file at its native rate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-rate-'));
  for (const rate of [3, 999, 900_000]) {
    const file = path.join(dir, `rate-${rate}.wav`);
    fs.writeFileSync(file, encodeWav([new Float32Array(64).fill(0.25)], rate));
    assert.throws(
      () => loadAudioSync(file, { sampleRate: 16000 }),
      (e: unknown) =>
        e instanceof AudioError &&
        e.code === 'unsupported' &&
        e.message.includes(file) &&
        /implausible/.test(e.message),
    );
    assert.equal(loadAudioSync(file, { sampleRate: null }).sampleRate, rate);
  }
});
