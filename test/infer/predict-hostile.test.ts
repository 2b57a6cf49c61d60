/**
 * `ser predict` on hostile and careless input: one message per kind of bad header (rate, channels, no samples),
 * notes for truncated files and silent channels, no emotion on silence or white noise, recordings past the clip
 * limit classified as ser stream's segments, CSV seconds rounded.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { encodeWav } from '../../lib/audio/encode';
import { loadAudioSync } from '../../lib/audio/load';
import {
  EmotionStream,
  loadInferenceModel,
  MAX_CLIP_SECONDS,
  NO_SPEECH,
  predictClips,
  type InferenceModel,
} from '../../lib/infer';
import { Rng } from '../../lib/util/rng';
import { runSer, trainOnTess } from '../helpers/cli';
import { realDataRoot } from '../helpers/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-hostile-'));
const modelDir = path.join(tmp, 'model');
const clip = path.join(realDataRoot('tess'), 'tess', 'OAF_angry', 'OAF_bar_angry.wav');
let model: InferenceModel;

before(async () => {
  trainOnTess('best-mlp', modelDir, ['--limit-per-class', '4', '--epochs', '2'], 180_000);
  model = await loadInferenceModel(modelDir);
});

after(() => {
  model?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A real clip's 16-bit WAV with its fmt fields (channels at byte 22, rate at 24) overwritten. */
function withHeader(fields: { channels?: number; rate?: number }): Uint8Array {
  const audio = loadAudioSync(clip, { sampleRate: null });
  const bytes = encodeWav([audio.samples], audio.sampleRate);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (fields.channels !== undefined) view.setUint16(22, fields.channels, true);
  if (fields.rate !== undefined) view.setUint32(24, fields.rate, true);
  return bytes;
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('every implausible sample rate gets the same one-line message, whatever the duration it implies', () => {
  for (const rate of [1, 999, 1_000_000, 2 ** 31, 0xffffffff]) {
    const file = write(`rate-${rate}.wav`, withHeader({ rate }));
    const r = runSer(['predict', '--model-dir', modelDir, file]);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr.trim(),
      `ser: ${file}: implausible sample rate ${rate} Hz in the header (expected 1000–768000 Hz)`,
    );
  }
});

test('65535 channels is an implausible channel count, not "no samples"; an empty data chunk is "no samples"', () => {
  const many = write('channels.wav', withHeader({ channels: 65535 }));
  const [r] = predictClips(model, [{ name: many, path: many }]);
  assert.equal(r.error, `${many}: implausible channel count 65535 in the header (expected 1–256)`);
  const empty = encodeWav([new Float32Array(0).fill(0)], 22050);
  const [e] = predictClips(model, [{ name: 'empty.wav', bytes: empty }]);
  assert.equal(e.error, 'empty.wav: the file holds no audio samples');
});

test('a WAV cut to half its declared length is predicted with a truncation note', () => {
  const whole = fs.readFileSync(clip);
  const half = write('half.wav', whole.subarray(0, Math.floor(whole.length / 2)));
  const [r] = predictClips(model, [{ name: half, path: half }]);
  assert.equal(typeof r.label, 'string');
  assert.match(
    r.notes?.join(' ') ?? '',
    /^truncated: the file holds 0\.\d\d s of the 1\.\d\d s its header declares$/,
  );
});

test('stereo with one silent channel is predicted with a note on the silent channel', () => {
  const audio = loadAudioSync(clip, { sampleRate: null });
  const bytes = encodeWav([audio.samples, new Float32Array(audio.samples.length)], audio.sampleRate);
  const [r] = predictClips(model, [{ name: 'one-side.wav', bytes }]);
  assert.equal(typeof r.label, 'string');
  assert.deepEqual(r.notes, ['channel 2 of 2 silent: the mono mix is 6.0 dB quieter than the others']);
  const [both] = predictClips(model, [
    { name: 'both.wav', bytes: encodeWav([audio.samples, audio.samples], audio.sampleRate) },
  ]);
  assert.equal(both.notes, undefined);
});

test('digital silence and −45 dBFS white noise get no label and the note "no speech"; speech still gets one', () => {
  const rng = new Rng(45);
  const rate = 22050;
  const silence = new Float32Array(3 * rate);
  // Uniform noise in ±a has RMS a/√3: −45 dBFS RMS.
  const a = Math.sqrt(3) * 10 ** (-45 / 20);
  const noise = Float32Array.from({ length: 3 * rate }, () => a * (2 * rng.next() - 1));
  const results = predictClips(model, [
    { name: 'silence.wav', bytes: encodeWav([silence], rate) },
    { name: 'noise.wav', bytes: encodeWav([noise], rate) },
    { name: 'speech.wav', path: clip },
  ]);
  for (const r of results.slice(0, 2)) {
    assert.equal(r.label, null, r.file);
    assert.equal(r.scores, null, r.file);
    assert.deepEqual(r.notes, [NO_SPEECH], r.file);
  }
  assert.equal(typeof results[2].label, 'string');
  const cli = runSer([
    'predict',
    '--model-dir',
    modelDir,
    write('silence.wav', encodeWav([silence], rate)),
    '--json',
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  const [printed] = JSON.parse(cli.stdout) as { label: unknown; notes: string[] }[];
  assert.equal(printed.label, null);
  assert.deepEqual(printed.notes, [NO_SPEECH]);
});

test('a recording past the clip limit is classified as the stream’s segments, in blocks', () => {
  // 75 s: the clip twice with silence between and after, so that there are segments to compare.
  const audio = loadAudioSync(clip, { sampleRate: null });
  const rate = audio.sampleRate;
  const samples = new Float32Array((MAX_CLIP_SECONDS + 15) * rate);
  samples.set(audio.samples, 2 * rate);
  samples.set(audio.samples, 40 * rate);
  const [r] = predictClips(model, [{ name: 'long.wav', bytes: encodeWav([samples], rate) }]);
  const stream = new EmotionStream(model, rate);
  const events = [...stream.push(samples), ...stream.end()].filter((e) => e.type === 'segment');
  assert.ok(events.length >= 2, `${events.length} segments`);
  assert.deepEqual(
    r.segments,
    events.map(({ type: _type, ...rest }) => rest),
  );
  assert.equal(typeof r.label, 'string');
  assert.match(r.notes?.join(' ') ?? '', /^75 s is longer than 60 s: classified as \d+ speech segments/);
  // A silent one: no segments, no label.
  const [quiet] = predictClips(model, [
    { name: 'quiet.wav', bytes: encodeWav([new Float32Array(samples.length)], rate) },
  ]);
  assert.equal(quiet.label, null);
  assert.deepEqual(quiet.segments, []);
  assert.ok(quiet.notes?.includes(NO_SPEECH));
});

test('CSV seconds are rounded to the millisecond', () => {
  const r = runSer(['predict', '--model-dir', modelDir, clip, '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  const [header, row] = r.stdout.trim().split('\n');
  const seconds = row.split(',')[header.split(',').indexOf('seconds')];
  assert.match(seconds, /^\d+(\.\d{1,3})?$/);
  assert.ok(
    Math.abs(Number(seconds) - loadAudioSync(clip, { sampleRate: null }).samples.length / 24414) < 1e-3,
  );
});
