import type { Emotion } from './emotions';

/** One audio clip of a corpus, with the labels parsed from the corpus's own naming convention. */
export interface ClipRecord {
  /** Absolute path of the audio file. */
  path: string;
  /** Corpus name, e.g. `tess`. */
  corpus: string;
  /** Speaker id, unique within the corpus (e.g. `OAF`). */
  speaker: string;
  /** Unified emotion label. */
  emotion: Emotion;
  /** What was said (TESS: the target word), so splits can keep sentences apart too. */
  sentence: string;
}

/** A file a loader found but did not use, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** What a corpus loader returns: the clips it understood and the files it skipped with a reason. */
export interface CorpusLoad {
  corpus: string;
  /** The folder the corpus was read from. */
  dir: string;
  records: ClipRecord[];
  skipped: SkippedFile[];
}
