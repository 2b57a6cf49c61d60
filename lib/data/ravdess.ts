/**
 * RAVDESS (Ryerson Audio-Visual Database of Emotional Speech and Song), audio-only speech part.
 *
 * Layout: `<dir>/Actor_NN/MM-VV-EE-II-SS-RR-AA.wav` (any folder depth; the `Actor_NN` folder, when there is
 * one, must agree with the actor field). Fields: modality (03 audio-only), vocal channel (01 speech, 02 song),
 * emotion (see {@link RAVDESS_EMOTIONS}), intensity (01 normal, 02 strong; neutral has no strong), statement
 * (01 "Kids are talking by the door", 02 "Dogs are sitting by the door"), repetition (01, 02) and actor
 * (01–24; odd numbers are men, even numbers women). Song files (vocal channel 02) are skipped with a reason:
 * this loader reads the speech part.
 */
import { RAVDESS_EMOTIONS, unifyEmotion } from './emotions';
import { locateCorpusDir, walkCorpus } from './layout';
import type { CorpusLoad, LoaderOptions } from './types';

const STEM = /^(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)$/;
const ACTOR_FOLDER = /^Actor_(\d\d)$/i;
export const RAVDESS_STATEMENTS: Readonly<Record<string, string>> = {
  '01': 'kids are talking by the door',
  '02': 'dogs are sitting by the door',
};

/** Read a RAVDESS speech corpus (`root/ravdess` or `root` itself). */
export function loadRavdess(root: string, options: LoaderOptions = {}): CorpusLoad {
  const dir = locateCorpusDir(root, 'ravdess', { subfolderOnly: options.subfolderOnly });
  const expected = 'ravdess/Actor_NN/03-01-EE-II-SS-RR-NN.wav';
  return walkCorpus('ravdess', dir, { expected }, ({ parts, stem }) => {
    const m = STEM.exec(stem);
    if (!m) return { skip: 'file name is not MM-VV-EE-II-SS-RR-AA (seven two-digit fields)' };
    const [, modality, channel, code, intensity, statement, repetition, actor] = m;
    if (modality !== '03') return { skip: `modality ${modality} is not 03 (audio-only)` };
    if (channel === '02') return { skip: 'song (vocal channel 02); this loader reads the speech part' };
    if (channel !== '01') return { skip: `vocal channel ${channel} is not 01 (speech)` };
    const source = RAVDESS_EMOTIONS[code];
    if (source === undefined) return { skip: `emotion code ${code} is not 01–08` };
    if (intensity !== '01' && intensity !== '02') return { skip: `intensity ${intensity} is not 01 or 02` };
    if (intensity === '02' && code === '01') return { skip: 'neutral (01) has no strong intensity (02)' };
    if (RAVDESS_STATEMENTS[statement] === undefined) return { skip: `statement ${statement} is not 01 or 02` };
    if (repetition !== '01' && repetition !== '02') return { skip: `repetition ${repetition} is not 01 or 02` };
    const actorNumber = Number(actor);
    if (actorNumber < 1 || actorNumber > 24) return { skip: `actor ${actor} is not 01–24` };
    const folder = parts.length > 1 ? ACTOR_FOLDER.exec(parts[parts.length - 2]) : null;
    if (folder && folder[1] !== actor) {
      return { skip: `actor in file name (${actor}) disagrees with folder ${parts[parts.length - 2]}` };
    }
    const emotion = unifyEmotion(source, options);
    if (typeof emotion !== 'string') return emotion;
    return {
      speaker: actor,
      gender: actorNumber % 2 === 1 ? 'male' : 'female',
      emotion,
      corpusLabel: code,
      intensity: intensity === '01' ? 'normal' : 'strong',
      sentence: RAVDESS_STATEMENTS[statement],
      repetition: Number(repetition),
    };
  });
}
