/**
 * lib/features against librosa 0.10.1 on real TESS and RAVDESS files (values from
 * test/fixtures/features/make-golden.py). The bound of the features issue: max relative error ≤ 1e-4 on
 * mel, MFCC, Δ, ΔΔ, chroma, ZCR and RMS; the spectral shape features are held to the same bound except
 * rolloff (a bin pick) and contrast (a dB difference of float32 sorts), which are held to 1e-3.
 *
 * Relative error is measured per feature row against that row's largest magnitude over the compared frames,
 * |ours − librosa| / max_t |librosa[row, t]|, because coefficients that cross zero (MFCC, deltas) have no
 * meaningful elementwise relative error; positive quantities (mel power, chroma, RMS) are additionally
 * checked elementwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudio } from '../../lib/audio';
import {
  chromaFromPower,
  delta,
  estimateTuning,
  melFromSpectrogram,
  mfccFromLogMel,
  powerToDb,
  rms,
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralRolloff,
  zeroCrossingRate,
  type FeatureMatrix,
} from '../../lib/features';
import { spectrogram } from '../../lib/dsp';
import { realDataRoot, repoRoot } from '../helpers/data';

interface GoldenConfig {
  signal: { length: number; sumSquares: number };
  frames: number;
  picked: number[];
  tuning: number;
  rowStride: Record<string, number>;
  features: Record<string, number[][]>;
}
interface Golden {
  librosa: string;
  files: { path: string; why: string; configs: Record<string, GoldenConfig> }[];
}

/** The librosa keyword arguments behind each golden configuration (see make-golden.py). */
const CONFIGS: Record<
  string,
  {
    sr: number;
    nFft: number;
    hopLength: number;
    nMels: number;
    nMfcc: number;
    lifter: number;
    htk: boolean;
    norm: 'slaney' | null;
    fmin: number;
    fmax?: number;
  }
> = {
  default: {
    sr: 22050,
    nFft: 2048,
    hopLength: 512,
    nMels: 128,
    nMfcc: 20,
    lifter: 0,
    htk: false,
    norm: 'slaney',
    fmin: 0,
  },
  seed: {
    sr: 22050,
    nFft: 512,
    hopLength: 256,
    nMels: 128,
    nMfcc: 40,
    lifter: 0,
    htk: false,
    norm: 'slaney',
    fmin: 0,
  },
  htk16k: {
    sr: 16000,
    nFft: 400,
    hopLength: 160,
    nMels: 40,
    nMfcc: 13,
    lifter: 22,
    htk: true,
    norm: null,
    fmin: 20,
    fmax: 7600,
  },
};

/** Features elementwise-checked as well (strictly positive quantities). */
const POSITIVE = new Set(['mel', 'rms']);
const LOOSE = new Set(['rolloff', 'contrast']);

const golden = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'features', 'golden.json'), 'utf8'),
) as Golden;

function compute(y: Float32Array, name: string): { features: Record<string, FeatureMatrix>; tuning: number } {
  const c = CONFIGS[name];
  const stft = { nFft: c.nFft, hopLength: c.hopLength };
  const melOptions = { nMels: c.nMels, htk: c.htk, norm: c.norm, fmin: c.fmin, fmax: c.fmax };
  const power = spectrogram(y, { ...stft, power: 2 });
  const magnitude = spectrogram(y, { ...stft, power: 1 });
  const mel = melFromSpectrogram(power, c.sr, melOptions);
  const mfcc = mfccFromLogMel(powerToDb(mel), c.nMfcc, c.lifter);
  const features: Record<string, FeatureMatrix> = {
    mel,
    logmel_max: powerToDb(mel, { ref: 'max' }),
    mfcc,
    mfcc_delta: delta(mfcc),
    mfcc_delta2: delta(mfcc, { order: 2 }),
    chroma: chromaFromPower(power, { sr: c.sr }).chroma,
    chroma_tuning0: chromaFromPower(power, { sr: c.sr, tuning: 0 }).chroma,
    zcr: zeroCrossingRate(y, { frameLength: c.nFft, hopLength: c.hopLength }),
    rms: rms(y, { frameLength: c.nFft, hopLength: c.hopLength }),
    centroid: spectralCentroid(magnitude, { sr: c.sr }),
    bandwidth: spectralBandwidth(magnitude, { sr: c.sr }),
    rolloff: spectralRolloff(magnitude, { sr: c.sr }),
    contrast: spectralContrast(magnitude, { sr: c.sr }),
  };
  return { features, tuning: estimateTuning(power, { sr: c.sr }) };
}

/** Worst row-relative and elementwise-relative errors of `ours` at the golden frames and rows. */
function errors(
  ours: FeatureMatrix,
  expected: number[][],
  picked: number[],
  rowStride: number,
): { row: number; element: number } {
  assert.equal(expected.length, Math.ceil(ours.rows / rowStride), 'row count');
  let row = 0;
  let element = 0;
  expected.forEach((values, i) => {
    const r = i * rowStride;
    const scale = Math.max(...values.map(Math.abs));
    values.forEach((e, j) => {
      const a = ours.data[r * ours.cols + picked[j]];
      const diff = Math.abs(a - e);
      if (scale > 0) row = Math.max(row, diff / scale);
      else row = Math.max(row, diff);
      element = Math.max(element, e === 0 ? diff : diff / Math.abs(e));
    });
  });
  return { row, element };
}

const root = realDataRoot('tess');
realDataRoot('ravdess');

for (const file of golden.files) {
  for (const [name, g] of Object.entries(file.configs)) {
    test(`librosa ${golden.librosa} features: ${file.path} [${name}] (${file.why})`, async () => {
      const audio = await loadAudio(path.join(root, file.path), { sampleRate: CONFIGS[name].sr });
      assert.equal(audio.samples.length, g.signal.length, 'signal length (lib/audio mirrors librosa.load)');
      let sq = 0;
      for (const v of audio.samples) sq += v * v;
      assert.ok(Math.abs(sq - g.signal.sumSquares) <= 1e-9 * g.signal.sumSquares, 'signal energy');

      const { features, tuning } = compute(audio.samples, name);
      assert.ok(Math.abs(tuning - g.tuning) < 1e-9, `estimate_tuning: ours ${tuning}, librosa ${g.tuning}`);
      for (const [feature, expected] of Object.entries(g.features)) {
        const ours = features[feature];
        assert.ok(ours, `no TypeScript counterpart for ${feature}`);
        assert.equal(ours.cols, g.frames, `${feature}: frame count`);
        const err = errors(ours, expected, g.picked, g.rowStride[feature] ?? 1);
        const bound = LOOSE.has(feature) ? 1e-3 : 1e-4;
        if (process.env.SER_GOLDEN_VERBOSE === '1')
          console.log(
            `${file.path} ${name} ${feature} row ${err.row.toExponential(2)} elem ${err.element.toExponential(2)}`,
          );
        assert.ok(err.row <= bound, `${feature}: row-relative error ${err.row} > ${bound}`);
        if (POSITIVE.has(feature))
          assert.ok(err.element <= bound, `${feature}: elementwise relative error ${err.element} > ${bound}`);
      }
    });
  }
}
