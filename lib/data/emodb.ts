/**
 * EmoDB (Berlin Database of Emotional Speech).
 *
 * Layout: `<dir>/…/SSTTTEV.wav`, e.g. `wav/03a01Fa.wav`: speaker (two digits: 03 08 09 10 11 12 13 14 15 16),
 * text code (`a01`…`b10`, kept as the sentence id), emotion letter (German initial, see
 * {@link EMODB_EMOTIONS}; `L` boredom is resolved by the `boredom` option) and version letter (`a` = 1st
 * take, `b` = 2nd, …, kept as `repetition`).
 */
import { EMODB_EMOTIONS, unifyEmotion } from './emotions';
import { locateCorpusDir, walkCorpus } from './layout';
import type { CorpusLoad, Gender, LoaderOptions } from './types';

/** The ten EmoDB speakers and their gender, from the corpus documentation. */
export const EMODB_SPEAKERS: Readonly<Record<string, Gender>> = {
  '03': 'male',
  '08': 'female',
  '09': 'female',
  '10': 'male',
  '11': 'male',
  '12': 'male',
  '13': 'female',
  '14': 'female',
  '15': 'male',
  '16': 'female',
};
const STEM = /^(\d\d)([ab]\d\d)([A-Z])([a-z])$/;

/** Read EmoDB (`root/emodb`, `root/emo-db`, … or `root` itself). */
export function loadEmodb(root: string, options: LoaderOptions = {}): CorpusLoad {
  const dir = locateCorpusDir(root, 'emodb', { aliases: ['emo-db', 'emo_db', 'berlin'], subfolderOnly: options.subfolderOnly });
  const expected = 'emodb/wav/03a01Fa.wav';
  return walkCorpus('emodb', dir, { expected }, ({ stem }) => {
    const m = STEM.exec(stem);
    if (!m) return { skip: 'file name is not SPEAKER TEXT EMOTION VERSION (e.g. 03a01Fa)' };
    const [, speaker, text, letter, version] = m;
    if (EMODB_SPEAKERS[speaker] === undefined) return { skip: `speaker ${speaker} is not an EmoDB speaker` };
    const source = EMODB_EMOTIONS[letter];
    if (source === undefined) return { skip: `emotion letter ${letter} is not one of ${Object.keys(EMODB_EMOTIONS).join(' ')}` };
    const emotion = unifyEmotion(source, options);
    if (typeof emotion !== 'string') return emotion;
    return {
      speaker,
      gender: EMODB_SPEAKERS[speaker],
      emotion,
      corpusLabel: letter,
      intensity: 'unspecified',
      sentence: text,
      repetition: version.charCodeAt(0) - 'a'.charCodeAt(0) + 1,
    };
  });
}
