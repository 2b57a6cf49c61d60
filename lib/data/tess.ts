/**
 * TESS (Toronto Emotional Speech Set) and corpora laid out like it.
 *
 * Layout: `<dir>/<SPK>_<emotion>/<SPK>_<word>_<emotion>.wav`, e.g. `OAF_angry/OAF_back_angry.wav`;
 * pleasant-surprise folders are `<SPK>_pleasant_surprise` with files ending `_ps` (→ `surprise`). The speaker
 * is taken from the folder, not the file, because one published file has a typo
 * (`OAF_neutral/OA_bite_neutral.wav`). Both TESS speakers are women (OAF 64 years, YAF 26 years).
 * The synthetic quick-start sample uses the same layout with its own speakers (gender `unknown`).
 */
import { TESS_EMOTIONS, unifyEmotion } from './emotions';
import { locateCorpusDir, walkCorpus } from './layout';
import type { CorpusLoad, Gender, LoaderOptions } from './types';

export { locateCorpusDir } from './layout';

const FOLDER = /^([A-Za-z0-9]+)_([a-z_]+)$/;
const STEM = /^([A-Za-z0-9]+)_(.+)_([a-z]+)$/i;
const TESS_GENDERS: Readonly<Record<string, Gender>> = { OAF: 'female', YAF: 'female' };

/** Read a TESS-style corpus: every file either becomes a record or is listed as skipped with a reason. */
export function loadTessLayout(root: string, corpus = 'tess', options: LoaderOptions = {}): CorpusLoad {
  const dir = locateCorpusDir(root, corpus, { subfolderOnly: options.subfolderOnly });
  const expected = `${corpus}/<SPEAKER>_<emotion>/<SPEAKER>_<word>_<emotion>.wav`;
  return walkCorpus(corpus, dir, { expected }, ({ parts, stem }) => {
    if (parts.length !== 2) return { skip: 'not inside a <SPEAKER>_<emotion> folder' };
    const folder = FOLDER.exec(parts[0]);
    const folderEmotion = folder ? TESS_EMOTIONS[folder[2]] : undefined;
    if (!folder || folderEmotion === undefined) return { skip: `folder "${parts[0]}" is not <SPEAKER>_<emotion>` };
    const f = STEM.exec(stem);
    if (!f) return { skip: 'file name is not <SPEAKER>_<word>_<emotion>' };
    const label = f[3].toLowerCase();
    if (TESS_EMOTIONS[label] !== folderEmotion) {
      return { skip: `emotion in file name (${f[3]}) disagrees with folder (${folder[2]})` };
    }
    const emotion = unifyEmotion(folderEmotion, options);
    if (typeof emotion !== 'string') return emotion;
    return {
      speaker: folder[1],
      gender: (corpus === 'tess' && TESS_GENDERS[folder[1]]) || 'unknown',
      emotion,
      corpusLabel: label,
      intensity: 'unspecified',
      sentence: f[2].toLowerCase(),
    };
  });
}
