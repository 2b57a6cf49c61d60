/**
 * `ser stream` and `ser predict` as a user runs them, on real TESS clips: a 5-minute recording of clips with
 * pauses gets the same segment accuracy as predicting the clips one by one; silence and low-level noise get no
 * emotion; broken, odd and long inputs give a result or a one-line error, never a crash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { loadAudioSync } from '../../lib/audio/load';
import { resample } from '../../lib/audio/resample';
import { writeWavSync } from '../../lib/audio/encode';
import {
  concatenateClips,
  EmotionStream,
  loadInferenceModel,
  predictClips,
  scoreStream,
  type StreamEvent,
} from '../../lib/infer';
import { Rng } from '../../lib/util/rng';
import { seededSample } from '../../lib/data/subset';
import { loadTessLayout } from '../../lib/data/tess';
import { loadRavdess } from '../../lib/data/ravdess';
import { runSer as ser, trainOnTess } from '../helpers/cli';
import { realDataRoot, repoRoot } from '../helpers/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-infer-'));
const modelDir = path.join(tmp, 'best-global');
const root = realDataRoot('tess');
/** `n` clips of the test speaker of fold 0 (OAF), shuffled with a seed. */
function testSpeakerClips(n: number): { path: string; label: string }[] {
  const oaf = loadTessLayout(root).records.filter((r) => r.speaker === 'OAF');
  return seededSample(oaf, n, 7).map((r) => ({ path: r.path, label: r.emotion }));
}

const lines = (stdout: string): StreamEvent[] =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as StreamEvent);

/** A one-line user error: exit 1, `ser: PATH…` on one line, no stack. */
function assertOneLineError(r: { code: number | null; stderr: string }, file: string, pattern: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  const text = r.stderr.trim();
  assert.equal(text.split('\n').length, 1, text);
  assert.ok(text.startsWith('ser: ') && text.includes(file), text);
  assert.match(text, pattern);
}

before(() => {
  // The zoo's best classifier (RBF SVM on stats-prosody, speaker-augmented) with global normalisation: YAF → OAF.
  trainOnTess('best', modelDir, ['--split', 'speaker', '--normalise', 'global']);
});

test('ser stream on a 5-minute recording of 120 clips: segment accuracy within 3 points of clip-level prediction', () => {
  const picked = testSpeakerClips(120);
  const clips = picked.map((c) => ({ audio: loadAudioSync(c.path), label: c.label }));
  const { audio, truth } = concatenateClips(clips, { minGap: 0.5, maxGap: 1.0, seed: 1 });
  assert.ok(audio.samples.length / audio.sampleRate > 300, 'at least 5 minutes');
  const wav = path.join(tmp, 'five-minutes.wav');
  writeWavSync(wav, [audio.samples], audio.sampleRate, { encoding: 'float32' });

  const plot = path.join(tmp, 'timeline.html');
  const s = ser(['stream', '--model-dir', modelDir, wav, '--plot', plot]);
  assert.equal(s.code, 0, s.stderr);
  const events = lines(s.stdout);
  const score = scoreStream(events, truth);
  const p = ser(['predict', '--model-dir', modelDir, ...picked.map((c) => c.path), '--format', 'jsonl']);
  assert.equal(p.code, 0, p.stderr);
  const clipLevel = lines(p.stdout).filter((r, i) => r.label === picked[i].label).length / picked.length;
  assert.equal(score.missed, 0, 'every clip overlaps a speech segment');
  assert.ok(
    Math.abs(score.segmentAccuracy - clipLevel) <= 0.03,
    `stream ${score.segmentAccuracy.toFixed(3)} vs clips ${clipLevel.toFixed(3)}`,
  );
  assert.ok(clipLevel > 2 / 7, `clip-level accuracy ${clipLevel} well above chance`);
  // One window line per second of hop, with times and the model's labels.
  const windows = events.filter((e) => e.type === 'window');
  assert.ok(Math.abs(windows.length - Math.floor(audio.samples.length / audio.sampleRate - 2)) <= 2);
  for (const w of windows) {
    assert.ok(w.end > w.start);
    if (w.label !== null) assert.ok(w.scores && w.label in w.scores);
  }
  const html = fs.readFileSync(plot, 'utf8');
  assert.match(html, /Emotion timeline/);
  assert.match(html, /Plotly\.newPlot/);
});

test('ser stream: no emotion on digital silence, low-level noise, or silent raw PCM on stdin', () => {
  const rate = 16000;
  const silence = path.join(tmp, 'silence.wav');
  writeWavSync(silence, [new Float32Array(20 * rate)], rate);
  const rng = new Rng(11);
  const noise = path.join(tmp, 'noise.wav');
  const amplitude = 10 ** (-45 / 20) * Math.sqrt(3);
  writeWavSync(
    noise,
    [Float32Array.from({ length: 20 * rate }, () => amplitude * (2 * rng.next() - 1))],
    rate,
  );
  for (const file of [silence, noise]) {
    const r = ser(['stream', '--model-dir', modelDir, file]);
    assert.equal(r.code, 0, r.stderr);
    const events = lines(r.stdout);
    assert.ok(events.filter((e) => e.type === 'window').length >= 17, path.basename(file));
    for (const e of events) {
      assert.equal(e.type, 'window', `${path.basename(file)}: no speech segment`);
      assert.equal(e.label, null);
      assert.equal(e.scores, null);
    }
  }
  const piped = spawnSync(
    process.execPath,
    [path.join(repoRoot(), 'bin', 'ser.js'), 'stream', '--model-dir', modelDir, '-', '--rate', '16000'],
    { input: Buffer.alloc(2 * 16000 * 10), encoding: 'utf8', env: { ...process.env, SER_PROGRESS: '0' } },
  );
  assert.equal(piped.status, 0, piped.stderr);
  const events = lines(piped.stdout);
  assert.ok(events.length >= 8);
  assert.ok(events.every((e) => e.label === null));
});

test('bad and odd inputs through ser predict and ser stream: a result or a one-line error', () => {
  const clip = testSpeakerClips(1)[0].path;
  const notAudio = path.join(tmp, 'notes.wav');
  fs.writeFileSync(notAudio, 'these are not audio samples\n'.repeat(50));
  const empty = path.join(tmp, 'empty.wav');
  fs.writeFileSync(empty, '');
  const truncated = path.join(tmp, 'truncated.wav');
  fs.writeFileSync(truncated, fs.readFileSync(clip).subarray(0, 30));
  for (const [file, pattern] of [
    [notAudio, /not a (WAV|recognised)|unknown|unsupported|audio/i],
    [empty, /empty file/],
    [truncated, /truncated|too short|corrupt|header/i],
  ] as const) {
    assertOneLineError(ser(['predict', '--model-dir', modelDir, file]), file, pattern);
    assertOneLineError(ser(['stream', '--model-dir', modelDir, file]), file, pattern);
  }

  // Telephone audio and 6 channels: predicted, with a note on stderr.
  const source = loadAudioSync(clip, { sampleRate: null });
  const telephone = path.join(tmp, 'telephone.wav');
  writeWavSync(telephone, [resample(source.samples, source.sampleRate, 8000)], 8000);
  const surround = path.join(tmp, 'six-channels.wav');
  writeWavSync(
    surround,
    Array.from({ length: 6 }, () => source.samples),
    source.sampleRate,
  );
  for (const [file, note] of [
    [telephone, /8000 Hz/],
    [surround, /6 channels/],
  ] as const) {
    const p = ser(['predict', '--model-dir', modelDir, file, '--format', 'json']);
    assert.equal(p.code, 0, p.stderr);
    const [r] = JSON.parse(p.stdout) as { label: string; notes: string[] }[];
    assert.ok(typeof r.label === 'string');
    assert.match(r.notes.join(' '), note);
    const s = ser(['stream', '--model-dir', modelDir, file, '--events', 'segments']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stderr, note);
    assert.ok(lines(s.stdout).some((e) => e.type === 'segment' && e.label !== null));
  }

  // A 10-minute recording (two minutes of clips, then a long silence): predicted as ser stream's segments, or a
  // timeline of ~600 windows, labelled where there is speech and null in the silence.
  const picked = testSpeakerClips(48).map((c) => ({
    audio: loadAudioSync(c.path, { sampleRate: 16000 }),
    label: c.label,
  }));
  const { audio } = concatenateClips(picked, { minGap: 0.3, maxGap: 0.5, seed: 2 });
  const samples = new Float32Array(600 * 16000);
  samples.set(audio.samples.subarray(0, samples.length));
  const speechSeconds = audio.samples.length / 16000;
  const tenMinutes = path.join(tmp, 'ten-minutes.wav');
  writeWavSync(tenMinutes, [samples], 16000);
  const p = ser(['predict', '--model-dir', modelDir, tenMinutes, '--format', 'json']);
  assert.equal(p.code, 0, p.stderr);
  const [long] = JSON.parse(p.stdout) as { label: string; notes: string[]; segments: StreamEvent[] }[];
  assert.match(
    long.notes.join(' '),
    /600 s is longer than 60 s: classified as \d+ speech segments as ser stream does/,
  );
  const segments = ser(['stream', '--model-dir', modelDir, tenMinutes, '--events', 'segments']);
  assert.equal(segments.code, 0, segments.stderr);
  const streamed = lines(segments.stdout).map(({ type, ...rest }) => (assert.equal(type, 'segment'), rest));
  assert.ok(streamed.length > 20, `${streamed.length} segments`);
  assert.deepEqual(long.segments, streamed);
  assert.equal(typeof long.label, 'string');
  const s = ser(['stream', '--model-dir', modelDir, tenMinutes, '--events', 'windows']);
  assert.equal(s.code, 0, s.stderr);
  const windows = lines(s.stdout);
  assert.ok(windows.length >= 597 && windows.length <= 600, `${windows.length} windows`);
  const labelled = windows.filter((w) => w.label !== null);
  assert.ok(labelled.length > 0.8 * speechSeconds && labelled.every((w) => w.start < speechSeconds + 1));
});

test('EmotionStream: the same events whether the audio comes in one piece or in chunks of any size', async () => {
  const model = await loadInferenceModel(modelDir);
  try {
    const clips = testSpeakerClips(12).map((c) => ({
      audio: loadAudioSync(c.path, { sampleRate: 16000 }),
      label: c.label,
    }));
    const { audio } = concatenateClips(clips, { minGap: 0.3, maxGap: 1.2, seed: 4 });
    const run = (chunk: number) => {
      const stream = new EmotionStream(model, 16000);
      const events: StreamEvent[] = [];
      for (let at = 0; at < audio.samples.length; at += chunk)
        events.push(...stream.push(audio.samples.subarray(at, at + chunk)));
      return [...events, ...stream.end()];
    };
    const whole = run(audio.samples.length);
    assert.ok(whole.some((e) => e.type === 'segment' && e.label !== null));
    for (const chunk of [160, 16000, 23_456])
      assert.deepEqual(run(chunk), whole, `chunks of ${chunk} samples`);
    // A stream shorter than one window, and one of a few samples: a result, no crash.
    for (const n of [8000, 3]) {
      const stream = new EmotionStream(model, 16000);
      const events = [...stream.push(audio.samples.subarray(0, n)), ...stream.end()];
      assert.equal(events.filter((e) => e.type === 'window').length, 1);
    }
  } finally {
    model.dispose();
  }
});

test('EmotionStream: windows and segments sharing frames give exactly the events of extracting each whole', async () => {
  const model = await loadInferenceModel(modelDir);
  try {
    // TESS at its own rate and RAVDESS (48 kHz, sentences) resampled by the stream, as `ser stream` runs.
    const ravdess = seededSample(loadRavdess(realDataRoot('ravdess')).records, 8, 5);
    for (const [clips, rate] of [
      [testSpeakerClips(10), 24414],
      [ravdess.map((r) => ({ path: r.path, label: r.emotion })), 48000],
    ] as const) {
      const { audio } = concatenateClips(
        clips.map((c) => ({ audio: loadAudioSync(c.path, { sampleRate: rate }), label: c.label })),
        { minGap: 0.3, maxGap: 1.2, seed: 9 },
      );
      const run = (shareFrames: boolean) => {
        const stream = new EmotionStream(model, rate, { shareFrames });
        const events: StreamEvent[] = [];
        for (let at = 0; at < audio.samples.length; at += rate)
          events.push(...stream.push(audio.samples.subarray(at, at + rate)));
        return [...events, ...stream.end()];
      };
      const shared = run(true);
      assert.ok(shared.filter((e) => e.type === 'segment' && e.label !== null).length >= clips.length - 2);
      assert.deepEqual(shared, run(false), `${rate} Hz`);
    }
  } finally {
    model.dispose();
  }
});

test('EmotionStream on RAVDESS recordings: each clip’s segment is classified as the clip is on its own', async () => {
  // RAVDESS gates its silences (runs of exact zeros around the words) and holds ~1 s of that room tone around each
  // sentence; a segment has to keep it to look like the clip (with 0.5 s of context and the zeros at its ends cut,
  // segments agreed with their clips for 50–70 % of these actors' clips). The model is trained on TESS: for
  // most RAVDESS actors it gives every clip one label, so the actors are three for which it does not.
  const model = await loadInferenceModel(modelDir);
  try {
    const records = loadRavdess(realDataRoot('ravdess')).records;
    for (const actor of ['01', '03', '10']) {
      const picked = seededSample(
        records.filter((r) => r.speaker === actor),
        30,
        2,
      );
      const { audio, truth } = concatenateClips(
        picked.map((r) => ({ audio: loadAudioSync(r.path, { sampleRate: 48000 }), label: r.emotion })),
        { minGap: 0.5, maxGap: 1.0, seed: 3 },
      );
      const stream = new EmotionStream(model, 48000);
      const events: StreamEvent[] = [];
      for (let at = 0; at < audio.samples.length; at += 48000)
        events.push(...stream.push(audio.samples.subarray(at, at + 48000)));
      events.push(...stream.end());
      const segmentLabels = scoreStream(events, truth).predicted;
      const clipLabels = predictClips(
        model,
        picked.map((r) => ({ name: r.path, path: r.path })),
      ).map((r) => r.label);
      assert.ok(new Set(clipLabels).size >= 2, `actor ${actor}: one label for every clip`);
      const agree = segmentLabels.filter((l, i) => l === clipLabels[i]).length / picked.length;
      assert.ok(agree >= 0.8, `actor ${actor}: segments agree with their clips for ${agree.toFixed(3)}`);
    }
  } finally {
    model.dispose();
  }
});

test('ser predict: globs and folders, CSV with one column per class, a summary on stderr', () => {
  const pattern = path.join(root, 'tess', 'OAF_sad', 'OAF_b*.wav');
  const r = ser(['predict', '--model-dir', modelDir, pattern, '--format', 'csv', '--batch', '4']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  const header = rows[0].split(',');
  assert.deepEqual(header.slice(0, 2), ['file', 'label']);
  assert.ok(header.includes('sad') && header.includes('angry'));
  const files = fs.readdirSync(path.join(root, 'tess', 'OAF_sad')).filter((f) => /^OAF_b.*\.wav$/.test(f));
  assert.equal(rows.length - 1, files.length);
  assert.match(r.stderr, new RegExp(`${files.length} of ${files.length} files predicted`));
  const folder = ser([
    'predict',
    '--model-dir',
    modelDir,
    path.join(root, 'tess', 'OAF_sad'),
    '--format',
    'jsonl',
  ]);
  assert.equal(folder.code, 0, folder.stderr);
  assert.equal(folder.stdout.trim().split('\n').length, 200);
  assertOneLineError(
    ser(['predict', '--model-dir', modelDir, path.join(tmp, 'nothing-*.wav')]),
    'nothing-',
    /no file matches/,
  );
});
