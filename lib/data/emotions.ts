/**
 * The unified emotion taxonomy. Every corpus loader maps its own labels onto these names with an explicit,
 * documented table (below), so models trained on one corpus can be evaluated on another.
 *
 * Two labels are not shared by every corpus and are resolved by {@link LabelOptions}:
 * - `calm` (RAVDESS only) is kept as its own class by default, or merged into `neutral`;
 * - `boredom` (EmoDB only) has no unified class: its files are skipped with a reason by default, or mapped
 *   to `neutral` or `calm`.
 */
export const EMOTIONS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/** What a corpus table maps to before {@link LabelOptions} apply: a unified emotion or EmoDB's boredom. */
export type SourceEmotion = Emotion | 'boredom';

/** How the labels that not every corpus has are unified. */
export interface LabelOptions {
  /** RAVDESS `calm`: `keep` it as a class (default) or merge it into `neutral`. */
  calm?: 'keep' | 'neutral';
  /** EmoDB `boredom` (Langeweile): `skip` the files (default), or map them to `neutral` or `calm`. */
  boredom?: 'skip' | 'neutral' | 'calm';
}

export const DEFAULT_LABEL_OPTIONS: Required<LabelOptions> = { calm: 'keep', boredom: 'skip' };

/**
 * TESS folder/file labels → unified names. TESS's "pleasant surprise" (`ps` in file names,
 * `pleasant_surprise` in folder names) is mapped to `surprise`; TESS has no `calm`.
 */
export const TESS_EMOTIONS: Readonly<Record<string, Emotion>> = {
  angry: 'angry',
  disgust: 'disgust',
  fear: 'fear',
  happy: 'happy',
  neutral: 'neutral',
  ps: 'surprise',
  pleasant_surprise: 'surprise',
  sad: 'sad',
};

/** RAVDESS emotion code (3rd field of the file name) → unified name; `02` calm is subject to `calm`. */
export const RAVDESS_EMOTIONS: Readonly<Record<string, Emotion>> = {
  '01': 'neutral',
  '02': 'calm',
  '03': 'happy',
  '04': 'sad',
  '05': 'angry',
  '06': 'fear', // "fearful"
  '07': 'disgust',
  '08': 'surprise', // "surprised"
};

/** CREMA-D emotion code (3rd field, `1001_DFA_ANG_XX`) → unified name. CREMA-D has six emotions. */
export const CREMAD_EMOTIONS: Readonly<Record<string, Emotion>> = {
  ANG: 'angry',
  DIS: 'disgust',
  FEA: 'fear',
  HAP: 'happy',
  NEU: 'neutral',
  SAD: 'sad',
};

/** SAVEE emotion prefix of the file name (`a01`, `sa03`, `su12`) → unified name. */
export const SAVEE_EMOTIONS: Readonly<Record<string, Emotion>> = {
  a: 'angry',
  d: 'disgust',
  f: 'fear',
  h: 'happy',
  n: 'neutral',
  sa: 'sad',
  su: 'surprise',
};

/**
 * EmoDB emotion letter (6th character, German initials: `03a01Fa.wav`) → unified name. `L` (Langeweile,
 * boredom) has no unified class and is resolved by `boredom`.
 */
export const EMODB_EMOTIONS: Readonly<Record<string, SourceEmotion>> = {
  W: 'angry', // Ärger (Wut)
  L: 'boredom', // Langeweile
  E: 'disgust', // Ekel
  A: 'fear', // Angst
  F: 'happy', // Freude
  T: 'sad', // Trauer
  N: 'neutral',
};

/**
 * Folder names the generic folder-per-class loader understands (lower-cased), beyond the unified names
 * themselves: common spellings in published corpora and data sets.
 */
export const FOLDER_EMOTIONS: Readonly<Record<string, SourceEmotion>> = {
  ...Object.fromEntries(
    ['neutral', 'calm', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise'].map((e) => [e, e as Emotion]),
  ),
  neu: 'neutral',
  happiness: 'happy',
  hap: 'happy',
  joy: 'happy',
  sadness: 'sad',
  anger: 'angry',
  ang: 'angry',
  fearful: 'fear',
  fea: 'fear',
  disgusted: 'disgust',
  dis: 'disgust',
  surprised: 'surprise',
  ps: 'surprise',
  pleasant_surprise: 'surprise',
  boredom: 'boredom',
  bored: 'boredom',
};

export function isEmotion(s: string): s is Emotion {
  return (EMOTIONS as readonly string[]).includes(s);
}

/**
 * Apply {@link LabelOptions} to a corpus label already looked up in its table: the unified emotion, or the
 * reason the file is not used (boredom skipped).
 */
export function unifyEmotion(source: SourceEmotion, options: LabelOptions = {}): Emotion | { skip: string } {
  const calm = options.calm ?? DEFAULT_LABEL_OPTIONS.calm;
  const boredom = options.boredom ?? DEFAULT_LABEL_OPTIONS.boredom;
  if (source === 'boredom') {
    if (boredom === 'skip') return { skip: 'boredom has no unified emotion (use boredom: neutral or calm to keep it)' };
    return boredom === 'calm' && calm === 'neutral' ? 'neutral' : boredom;
  }
  if (source === 'calm' && calm === 'neutral') return 'neutral';
  return source;
}
