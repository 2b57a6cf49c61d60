/**
 * Against librosa 0.10.1 on real clips (test/augment/fixtures/golden.json, made by make-golden.py there):
 * yin's F0 track, and time_stretch's output length and waveform. The waveforms differ by design only
 * where librosa accumulates phase in float32 (see phaseVocoder), so they must agree to within 40 dB SNR (measured: 49–71 dB).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudioSync } from '../../lib/audio/load';
import { timeStretch } from '../../lib/augment/stretch';
import { yin } from '../../lib/features/pitch';
import { realDataRoot, repoRoot } from '../helpers/data';

interface Golden {
  librosa: string;
  files: {
    file: string;
    sr: number;
    length: number;
    yin: number[];
    timeStretch: Record<string, { length: number; samples: number[] }>;
  }[];
}

const golden = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'test', 'augment', 'fixtures', 'golden.json'), 'utf8'),
) as Golden;
const STEP = 29;

for (const g of golden.files) {
  const corpus = g.file.split('/')[0] as 'tess' | 'ravdess';
  const load = () => loadAudioSync(path.join(realDataRoot(corpus), g.file), { sampleRate: null });

  test(`yin matches librosa.yin on ${g.file}`, () => {
    const { samples, sampleRate } = load();
    assert.equal(sampleRate, g.sr);
    assert.equal(samples.length, g.length);
    const { f0 } = yin(samples, { fmin: 60, fmax: 600, sr: sampleRate });
    assert.equal(f0.length, g.yin.length);
    let close = 0;
    for (let t = 0; t < f0.length; t++) if (Math.abs(f0[t] / g.yin[t] - 1) < 1e-4) close++;
    // float32 (librosa) vs float64 (here) sums can flip a near-tie between troughs in noise frames.
    assert.ok(close >= 0.99 * f0.length, `${close} of ${f0.length} frames agree within 1e-4`);
  });

  test(`timeStretch matches librosa.effects.time_stretch on ${g.file}`, () => {
    const { samples } = load();
    for (const [rate, want] of Object.entries(g.timeStretch)) {
      const got = timeStretch(samples, Number(rate));
      assert.equal(got.length, want.length, `rate ${rate}: length`);
      let signal = 0;
      let error = 0;
      want.samples.forEach((v, k) => {
        signal += v * v;
        error += (got[k * STEP] - v) ** 2;
      });
      const snr = 10 * Math.log10(signal / error);
      assert.ok(snr > 40, `rate ${rate}: SNR against librosa ${snr.toFixed(1)} dB`);
    }
  });
}
