/**
 * SAVEE (Surrey Audio-Visual Expressed Emotion), audio files.
 *
 * Two published layouts, both read: a folder per speaker (`AudioData/DC/a01.wav`) or one folder with the
 * speaker as prefix (`ALL/DC_a01.wav`). Speakers are DC, JE, JK and KL, four men. The file stem is the
 * emotion prefix (see {@link SAVEE_EMOTIONS}: `a d f h n sa su`) and a two-digit sentence number; the
 * sentence id kept is that stem (`a01`), since SAVEE numbers its TIMIT sentences per emotion.
 */
import { SAVEE_EMOTIONS, unifyEmotion } from './emotions';
import { locateCorpusDir, walkCorpus } from './layout';
import type { CorpusLoad, Gender, LoaderOptions } from './types';

export const SAVEE_SPEAKERS: Readonly<Record<string, Gender>> = { DC: 'male', JE: 'male', JK: 'male', KL: 'male' };
const FLAT = /^([A-Z]{2})_([a-z]{1,2})(\d\d)$/;
const IN_FOLDER = /^([a-z]{1,2})(\d\d)$/;

/** Read SAVEE (`root/savee` or `root` itself). */
export function loadSavee(root: string, options: LoaderOptions = {}): CorpusLoad {
  const dir = locateCorpusDir(root, 'savee', { subfolderOnly: options.subfolderOnly });
  const expected = 'savee/DC/a01.wav or savee/DC_a01.wav';
  return walkCorpus('savee', dir, { expected }, ({ parts, stem }) => {
    const flat = FLAT.exec(stem);
    const inFolder = IN_FOLDER.exec(stem);
    let speaker: string, code: string, number: string;
    if (flat) [, speaker, code, number] = flat;
    else if (inFolder && parts.length > 1) [speaker, code, number] = [parts[parts.length - 2], inFolder[1], inFolder[2]];
    else return { skip: 'file name is neither SPEAKER_<emotion><NN> nor <emotion><NN> inside a SPEAKER folder' };
    if (SAVEE_SPEAKERS[speaker] === undefined) {
      return { skip: `speaker "${speaker}" is not one of ${Object.keys(SAVEE_SPEAKERS).join(', ')}` };
    }
    const source = SAVEE_EMOTIONS[code];
    if (source === undefined) return { skip: `emotion prefix "${code}" is not one of ${Object.keys(SAVEE_EMOTIONS).join(', ')}` };
    const emotion = unifyEmotion(source, options);
    if (typeof emotion !== 'string') return emotion;
    return {
      speaker,
      gender: SAVEE_SPEAKERS[speaker],
      emotion,
      corpusLabel: code,
      intensity: 'unspecified',
      sentence: `${code}${number}`,
    };
  });
}
