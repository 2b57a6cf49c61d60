/** Real clips and pitch measurement shared by the augment tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { frameRms } from '../../lib/audio/trim';
import { loadAudioSync } from '../../lib/audio/load';
import { yin } from '../../lib/features/pitch';
import { realDataRoot } from '../helpers/data';

export interface Clip {
  name: string;
  corpus: 'tess' | 'ravdess';
  y: Float32Array;
  sr: number;
}

/** A few real clips per corpus at their own rate: two TESS speakers, RAVDESS female and male actors. */
export function realClips(): Clip[] {
  const pick: [corpus: 'tess' | 'ravdess', rel: string][] = [
    ['tess', 'YAF_sad/YAF_back_sad.wav'],
    ['tess', 'OAF_happy/OAF_back_happy.wav'],
    ['tess', 'YAF_fear/YAF_bar_fear.wav'],
    ['tess', 'OAF_angry/OAF_bar_angry.wav'],
    ['ravdess', 'Actor_12/03-01-01-01-02-02-12.wav'],
    ['ravdess', 'Actor_12/03-01-04-01-02-02-12.wav'],
    ['ravdess', 'Actor_01/03-01-04-01-02-02-01.wav'],
    ['ravdess', 'Actor_05/03-01-01-01-02-02-05.wav'],
  ];
  return pick.map(([corpus, rel]) => {
    const file = path.join(realDataRoot(corpus), corpus, rel);
    if (!fs.existsSync(file)) throw new Error(`test clip missing: ${file}`);
    const { samples, sampleRate } = loadAudioSync(file, { sampleRate: null });
    return { name: `${corpus}/${rel}`, corpus, y: samples, sr: sampleRate };
  });
}

/**
 * F0 per YIN frame (2048/512), NaN where the frame is not clearly voiced: YIN aperiodicity ≥ 0.1, or RMS
 * more than 26 dB below the clip's loudest frame (YIN calls digital silence periodic).
 */
export function voicedF0(y: Float32Array, sr: number): Float64Array {
  const track = yin(y, { fmin: 60, fmax: 600, sr });
  const rms = frameRms(y);
  const loudest = Math.max(...rms);
  return track.f0.map((f, t) => (track.aperiodicity[t] < 0.1 && rms[t] > loudest * 0.05 ? f : NaN));
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export const cents = (a: number, b: number): number => 1200 * Math.log2(a / b);
