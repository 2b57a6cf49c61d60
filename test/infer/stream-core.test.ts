/**
 * The streaming core on real and generated signals: chunked resampling equals whole-signal resampling bit for
 * bit, the voice-activity detector finds the clips of a real recording and nothing in silence or low-level
 * noise, and the running normaliser moves from its prior to the stream's own statistics.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadAudioSync } from '../../lib/audio/load';
import { resample } from '../../lib/audio/resample';
import { concatenateClips, RunningNormaliser, StreamResampler, VoiceActivityDetector } from '../../lib/infer';
import { Rng } from '../../lib/util/rng';
import { realDataRoot } from '../helpers/data';

function tessClips(n: number): { path: string; label: string }[] {
  const root = path.join(realDataRoot('tess'), 'tess');
  return fs
    .readdirSync(root)
    .filter((d) => d.startsWith('OAF_'))
    .flatMap((d) =>
      fs
        .readdirSync(path.join(root, d))
        .sort()
        .slice(0, n)
        .map((f) => ({ path: path.join(root, d, f), label: d.slice(4) })),
    );
}

test('StreamResampler: chunked output equals resampling the whole signal, bit for bit', () => {
  const clip = loadAudioSync(tessClips(1)[0].path, { sampleRate: null });
  for (const [from, to] of [
    [clip.sampleRate, 22050],
    [16000, 22050],
    [44100, 22050],
  ]) {
    const x = from === clip.sampleRate ? clip.samples : resample(clip.samples, clip.sampleRate, from);
    const whole = resample(x, from, to);
    for (const chunk of [1, 777, 16000]) {
      const r = new StreamResampler(from, to);
      const parts: Float32Array[] = [];
      for (let i = 0; i < x.length; i += chunk) parts.push(r.push(x.subarray(i, i + chunk)));
      parts.push(r.flush());
      const got = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        got.set(p, at);
        at += p.length;
      }
      assert.equal(got.length, whole.length, `${from} → ${to}, chunks of ${chunk}`);
      assert.deepEqual(got, whole, `${from} → ${to}, chunks of ${chunk}`);
    }
  }
});

/** Seconds of speech the detector finds in `samples`, and its speech frames' spans. */
function detect(samples: Float32Array, rate: number, chunk = 4096): { speech: number; frames: boolean[] } {
  const vad = new VoiceActivityDetector(rate);
  for (let i = 0; i < samples.length; i += chunk) vad.push(samples.subarray(i, i + chunk));
  vad.finish();
  const frames = Array.from({ length: vad.decided }, (_, i) => vad.isSpeech(i));
  return { speech: (frames.filter(Boolean).length * vad.hopLength) / rate, frames };
}

test('VAD: no speech in digital silence or in low-level white noise', () => {
  const rate = 16000;
  assert.equal(detect(new Float32Array(10 * rate), rate).speech, 0);
  const rng = new Rng(3);
  for (const db of [-70, -55, -45, -35]) {
    const amplitude = 10 ** (db / 20) * Math.sqrt(3);
    const noise = Float32Array.from({ length: 10 * rate }, () => amplitude * (2 * rng.next() - 1));
    assert.equal(detect(noise, rate).speech, 0, `white noise at ${db} dBFS`);
  }
});

test('VAD: finds each clip of a real recording with pauses, and nothing in the pauses', () => {
  const clips = tessClips(2).map((c) => ({ audio: loadAudioSync(c.path), label: c.label }));
  const { audio, truth } = concatenateClips(clips, { minGap: 0.6, maxGap: 1.0, seed: 5 });
  const { frames } = detect(audio.samples, audio.sampleRate);
  const hop = 0.01;
  const speechIn = (a: number, b: number) =>
    frames.slice(Math.floor(a / hop), Math.floor(b / hop)).filter(Boolean).length * hop;
  for (const t of truth)
    assert.ok(speechIn(t.start, t.end) > 0.3, `speech found in the clip at ${t.start} s`);
  // Between clips, beyond the hangover (0.3 s) and the clips' own quiet edges, nothing is speech.
  for (let i = 1; i < truth.length; i++) {
    const gapStart = truth[i - 1].end + 0.35;
    // (Frames are 25 ms long: the last ones before a clip already overlap it.)
    const gapEnd = truth[i].start - 0.03;
    if (gapEnd - gapStart > 0.05)
      assert.equal(speechIn(gapStart, gapEnd), 0, `pause before ${truth[i].start} s`);
  }
});

test('RunningNormaliser: the prior first, the stream’s own statistics as windows accumulate', () => {
  const prior = { mean: [0, 10], std: [1, 2] };
  const n = new RunningNormaliser(2, prior, 10);
  assert.deepEqual(n.state(), prior);
  const rng = new Rng(9);
  for (let i = 0; i < 1000; i++) n.add(Float32Array.from([5 + rng.normal(), -3 + 4 * rng.normal()]));
  const s = n.state();
  assert.ok(Math.abs(s.mean[0] - 5) < 0.2 && Math.abs(s.mean[1] + 3) < 0.5, `mean ${s.mean}`);
  assert.ok(Math.abs(s.std[0] - 1) < 0.15 && Math.abs(s.std[1] - 4) < 0.4, `std ${s.std}`);
  const none = new RunningNormaliser(2, undefined, 10);
  for (let i = 0; i < 9; i++) none.add(Float32Array.from([i, i]));
  assert.equal(none.ready, false);
  none.add(Float32Array.from([9, 9]));
  assert.equal(none.ready, true);
  assert.equal(none.state().mean[0], 4.5);
});
