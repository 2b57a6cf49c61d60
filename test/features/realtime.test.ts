/**
 * Streaming frame extractors: the librosa backend equals the offline features of uncentred frames without
 * top_db; push() in any chunking equals framing the whole signal; the Meyda backend never reuses a filter
 * bank built for another rate or size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadAudio } from '../../lib/audio';
import {
  chromaFromPower,
  createFrameExtractor,
  melFromSpectrogram,
  mfccFromLogMel,
  powerToDb,
  rms,
  zeroCrossingRate,
} from '../../lib/features';
import { spectrogram } from '../../lib/dsp';
import { realDataRoot } from '../helpers/data';

const root = realDataRoot('tess');
const file = path.join(root, 'tess', 'YAF_angry', 'YAF_back_angry.wav');

test('librosa backend: frame t equals the offline features with center=false and no top_db', async () => {
  const { samples: y } = await loadAudio(file, { sampleRate: 22050 });
  const ex = createFrameExtractor({ features: ['mfcc', 'chroma', 'rms', 'zcr'], nMfcc: 20, nMels: 40 });
  assert.equal(ex.names.length, 20 + 12 + 2);
  const stft = { nFft: 512, hopLength: 256, center: false };
  const power = spectrogram(y, { ...stft, power: 2 });
  const mfcc = mfccFromLogMel(
    powerToDb(melFromSpectrogram(power, 22050, { nMels: 40 }), { topDb: null }),
    20,
  );
  const { chroma } = chromaFromPower(power, { sr: 22050, tuning: 0 });
  const r = rms(y, { frameLength: 512, hopLength: 256, center: false });
  const z = zeroCrossingRate(y, { frameLength: 512, hopLength: 256, center: false });
  const frames = power.frames;
  for (const t of [0, 50, Math.floor(frames / 2), frames - 1]) {
    const v = ex.extractFrame(y.subarray(t * 256, t * 256 + 512));
    for (let k = 0; k < 20; k++)
      assert.ok(Math.abs(v[k] - mfcc.data[k * frames + t]) <= 1e-4 * Math.max(1, Math.abs(v[k])));
    for (let c = 0; c < 12; c++) assert.ok(Math.abs(v[20 + c] - chroma.data[c * frames + t]) <= 1e-6);
    assert.ok(Math.abs(v[32] - r.data[t]) <= 1e-6 * r.data[t]);
    assert.equal(v[33], z.data[t]);
  }
});

test('push() in uneven chunks yields exactly the frames of the whole signal', async () => {
  const { samples: y } = await loadAudio(file, { sampleRate: 16000 });
  for (const [frameLength, hopLength] of [
    [512, 160],
    [256, 400],
  ]) {
    const ex = createFrameExtractor({ sampleRate: 16000, frameLength, hopLength, features: ['mfcc', 'rms'] });
    const streamed: Float32Array[] = [];
    for (let at = 0, i = 0; at < y.length; i++) {
      const size = [1, 97, 1000, 4096, 333][i % 5];
      streamed.push(...ex.push(y.subarray(at, at + size)));
      at += size;
    }
    const expected = Math.floor((y.length - frameLength) / hopLength) + 1;
    assert.equal(streamed.length, expected);
    for (const t of [0, 1, expected - 1])
      assert.deepEqual(streamed[t], ex.extractFrame(y.subarray(t * hopLength, t * hopLength + frameLength)));
  }
});

test("meyda backend: extractors at other rates and sizes never reuse each other's filter banks", async () => {
  const { samples: y16 } = await loadAudio(file, { sampleRate: 16000 });
  const frame = y16.subarray(8000, 8512);
  const a = createFrameExtractor({
    backend: 'meyda',
    sampleRate: 16000,
    features: ['mel', 'chroma'],
    nMels: 26,
    nMfcc: 13,
  });
  const before = a.extractFrame(frame);
  const b = createFrameExtractor({
    backend: 'meyda',
    sampleRate: 44100,
    features: ['mel', 'chroma'],
    nMels: 26,
    nMfcc: 13,
  });
  const other = b.extractFrame(frame);
  const c = createFrameExtractor({
    backend: 'meyda',
    sampleRate: 16000,
    frameLength: 1024,
    features: ['chroma'],
  });
  c.extractFrame(y16.subarray(0, 1024));
  // Same frame, different rate: the mel bands must differ (Meyda alone would keep the 16 kHz bank).
  assert.ok(other.some((v, i) => Math.abs(v - before[i]) > 1e-6 * Math.abs(before[i]) + 1e-12));
  assert.deepEqual(a.extractFrame(frame), before);
  // Meyda's ZCR is made a rate and its centroid Hz, like the librosa backend's.
  const m = createFrameExtractor({ backend: 'meyda', sampleRate: 16000, features: ['zcr', 'centroid'] });
  const l = createFrameExtractor({ sampleRate: 16000, features: ['zcr', 'centroid'] });
  const [mz, mc] = m.extractFrame(frame);
  const [lz, lc] = l.extractFrame(frame);
  assert.ok(mz > 0 && mz < 1 && Math.abs(mz - lz) < 0.1, `zcr ${mz} vs ${lz}`);
  assert.ok(Math.abs(mc - lc) < 0.25 * lc, `centroid ${mc} vs ${lc} Hz`);
});
