/** Real clips and pitch measurement shared by the augment tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudioSync } from '../../lib/audio/load';
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

// Pitch measurement lives in lib/augment/measure (the augmentation notebook uses it too).
export { cents, median, voicedF0 } from '../../lib/augment/measure';
