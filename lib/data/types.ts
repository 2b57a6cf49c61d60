import type { Emotion, LabelOptions } from './emotions';

/** Speaker gender as the corpus documents it; `unknown` where it does not (or demographics are absent). */
export type Gender = 'female' | 'male' | 'unknown';

/**
 * Intensity of the expressed emotion, in the corpus's own terms: RAVDESS `normal`/`strong`, CREMA-D
 * `low`/`medium`/`high` (its `XX` is `unspecified`); corpora without intensity levels give `unspecified`.
 */
export type Intensity = 'normal' | 'strong' | 'low' | 'medium' | 'high' | 'unspecified';

/** One audio clip of a corpus, with the labels parsed from the corpus's own naming convention. */
export interface ClipRecord {
  /** Absolute path of the audio file. */
  path: string;
  /** Corpus name, e.g. `tess`. */
  corpus: string;
  /** Speaker id, unique within the corpus (e.g. `OAF`, RAVDESS `01`). */
  speaker: string;
  gender: Gender;
  /** Unified emotion label (see emotions.ts for each corpus's table). */
  emotion: Emotion;
  /** The corpus's own emotion label before unification (TESS `ps`, RAVDESS `08`, EmoDB `L`, …). */
  corpusLabel: string;
  intensity: Intensity;
  /**
   * What was said, so splits can keep sentences apart too: the text where the corpus documents it
   * (TESS target word, RAVDESS statement), else the corpus's sentence code (CREMA-D `DFA`, EmoDB `a01`,
   * SAVEE `a01`).
   */
  sentence: string;
  /** Which take of the same utterance, where the corpus numbers them (RAVDESS repetition, EmoDB version). */
  repetition?: number;
}

/** A file a loader or the manifest found but did not use, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
  /** The corpus whose folder holds the file, where known. */
  corpus?: string;
}

/** What a corpus loader returns: the clips it understood and the files it skipped with a reason. */
export interface CorpusLoad {
  corpus: string;
  /** The folder the corpus was read from. */
  dir: string;
  records: ClipRecord[];
  skipped: SkippedFile[];
}

/** Options every corpus loader takes: how labels are unified, and where the corpus folder may be. */
export interface LoaderOptions extends LabelOptions {
  /** Require the corpus in `root/<name>` (or an alias) instead of falling back to `root`. Default false. */
  subfolderOnly?: boolean;
}
