/**
 * A generic folder-per-class corpus, for data that follows no published naming convention.
 *
 * Layout: `<dir>/<class>/<file>.wav` or `<dir>/<class>/<speaker>/<file>.wav`. The class folder name is
 * looked up case-insensitively in {@link FOLDER_EMOTIONS} (unified names and common spellings: `anger`,
 * `happiness`, `fearful`, `ps`, `boredom`, …). The speaker is the sub-folder when there is one, else the
 * first capture group of `speakerPattern` applied to the file stem, else `unknown` (then no
 * speaker-independent split is possible). Gender and sentence are `unknown`.
 */
import { FOLDER_EMOTIONS, unifyEmotion } from './emotions';
import { locateCorpusDir, walkCorpus } from './layout';
import type { CorpusLoad, LoaderOptions } from './types';

export interface FolderLoaderOptions extends LoaderOptions {
  /** Corpus name given to the records and looked for under the root. Default `folder`. */
  corpus?: string;
  /** Speaker from the file stem: the first capture group, e.g. `/^([a-z]+)_/`. Default: none. */
  speakerPattern?: RegExp;
}

/** Read a folder-per-class corpus (`root/<corpus>` or `root` itself). */
export function loadClassFolders(root: string, options: FolderLoaderOptions = {}): CorpusLoad {
  const corpus = options.corpus ?? 'folder';
  const dir = locateCorpusDir(root, corpus, { subfolderOnly: options.subfolderOnly });
  const expected = `<class>/<file>.wav or <class>/<speaker>/<file>.wav with class one of ${Object.keys(FOLDER_EMOTIONS).join(', ')}`;
  return walkCorpus(corpus, dir, { expected }, ({ parts, stem }) => {
    if (parts.length < 2 || parts.length > 3) return { skip: 'not in a <class>/ or <class>/<speaker>/ folder' };
    const source = FOLDER_EMOTIONS[parts[0].toLowerCase()];
    if (source === undefined) return { skip: `class folder "${parts[0]}" is not a known emotion name` };
    let speaker = 'unknown';
    if (parts.length === 3) speaker = parts[1];
    else if (options.speakerPattern) {
      const m = options.speakerPattern.exec(stem);
      if (!m || m[1] === undefined) return { skip: `file name does not match the speaker pattern ${options.speakerPattern}` };
      speaker = m[1];
    }
    const emotion = unifyEmotion(source, options);
    if (typeof emotion !== 'string') return emotion;
    return { speaker, gender: 'unknown', emotion, corpusLabel: parts[0], intensity: 'unspecified', sentence: 'unknown' };
  });
}
