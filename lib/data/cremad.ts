/**
 * CREMA-D (Crowd-sourced Emotional Multimodal Actors Dataset), audio files.
 *
 * Layout: `<dir>/…/AAAA_SSS_EEE_LL.wav` (any folder depth), e.g. `AudioWAV/1001_DFA_ANG_XX.wav`: actor (1001–1091), sentence
 * code (12 sentences: IEO, TIE, IOM, IWW, TAI, MTI, IWL, ITH, DFA, ITS, TSI, WSI), emotion (see
 * {@link CREMAD_EMOTIONS}) and level (LO low, MD medium, HI high, XX unspecified). Speaker demographics
 * are optional: when `VideoDemographics.csv` (columns `ActorID,Age,Sex,…`) is in the corpus folder or its
 * parent, its `Sex` column gives each actor's gender; otherwise gender is `unknown`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CREMAD_EMOTIONS, unifyEmotion } from './emotions';
import { locateCorpusDir, walkCorpus } from './layout';
import type { CorpusLoad, Gender, Intensity, LoaderOptions } from './types';

export const CREMAD_DEMOGRAPHICS_FILE = 'VideoDemographics.csv';
export const CREMAD_SENTENCES = ['IEO', 'TIE', 'IOM', 'IWW', 'TAI', 'MTI', 'IWL', 'ITH', 'DFA', 'ITS', 'TSI', 'WSI'];
const STEM = /^(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})$/;
const LEVELS: Readonly<Record<string, Intensity>> = { LO: 'low', MD: 'medium', HI: 'high', XX: 'unspecified' };

/** Actor id → gender from `VideoDemographics.csv`, or an empty map when the file is absent. */
export function readCremadDemographics(dir: string): Map<string, Gender> {
  const genders = new Map<string, Gender>();
  const file = [dir, path.dirname(dir)]
    .map((d) => path.join(d, CREMAD_DEMOGRAPHICS_FILE))
    .find((f) => fs.existsSync(f));
  if (file === undefined) return genders;
  const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1');
  const [header, ...lines] = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = header.split(',').map(unquote);
  const idCol = columns.indexOf('ActorID');
  const sexCol = columns.indexOf('Sex');
  if (idCol < 0 || sexCol < 0) return genders;
  for (const line of lines) {
    const cells = line.split(',').map(unquote);
    const sex = cells[sexCol]?.toLowerCase();
    genders.set(cells[idCol], sex === 'female' ? 'female' : sex === 'male' ? 'male' : 'unknown');
  }
  return genders;
}

/** Read CREMA-D (`root/cremad`, `root/crema-d`, … or `root` itself). */
export function loadCremad(root: string, options: LoaderOptions = {}): CorpusLoad {
  const dir = locateCorpusDir(root, 'cremad', { aliases: ['crema-d', 'crema_d', 'crema'], subfolderOnly: options.subfolderOnly });
  const genders = readCremadDemographics(dir);
  const metadata = { [CREMAD_DEMOGRAPHICS_FILE]: 'speaker demographics (read for gender), not audio' };
  const expected = 'cremad/AudioWAV/1001_DFA_ANG_XX.wav';
  return walkCorpus('cremad', dir, { expected, metadata }, ({ stem }) => {
    const m = STEM.exec(stem);
    if (!m) return { skip: 'file name is not ACTOR_SENTENCE_EMOTION_LEVEL (e.g. 1001_DFA_ANG_XX)' };
    const [, actor, sentence, code, level] = m;
    const source = CREMAD_EMOTIONS[code];
    if (source === undefined) return { skip: `emotion code ${code} is not one of ${Object.keys(CREMAD_EMOTIONS).join(', ')}` };
    if (!CREMAD_SENTENCES.includes(sentence)) return { skip: `sentence code ${sentence} is not a CREMA-D sentence` };
    const intensity = LEVELS[level];
    if (intensity === undefined) return { skip: `level ${level} is not LO, MD, HI or XX` };
    const emotion = unifyEmotion(source, options);
    if (typeof emotion !== 'string') return emotion;
    return { speaker: actor, gender: genders.get(actor) ?? 'unknown', emotion, corpusLabel: code, intensity, sentence };
  });
}
