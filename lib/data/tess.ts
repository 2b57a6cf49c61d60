/**
 * TESS (Toronto Emotional Speech Set) and corpora laid out like it.
 *
 * Layout: `<dir>/<SPK>_<emotion>/<SPK>_<word>_<emotion>.wav`, e.g. `OAF_angry/OAF_back_angry.wav`;
 * pleasant-surprise folders are `<SPK>_pleasant_surprise` with files ending `_ps`. The speaker is taken from
 * the folder, not the file, because one published file has a typo (`OAF_neutral/OA_bite_neutral.wav`).
 * The synthetic quick-start sample uses the same layout with its own speakers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { TESS_EMOTIONS } from './emotions';
import type { ClipRecord, CorpusLoad, SkippedFile } from './types';

const FOLDER = /^([A-Za-z0-9]+)_([a-z_]+)$/;
const FILE = /^([A-Za-z0-9]+)_(.+)_([a-z]+)\.wav$/i;

/** Where a corpus of this layout sits under `root`: `root/<corpus>` if it exists, else `root` itself. */
export function locateCorpusDir(root: string, corpus: string): string {
  if (!fs.existsSync(root)) throw new UserError('data root does not exist', root);
  if (!fs.statSync(root).isDirectory()) throw new UserError('data root is not a folder', root);
  const sub = path.join(root, corpus);
  return fs.existsSync(sub) && fs.statSync(sub).isDirectory() ? sub : root;
}

/** Read a TESS-style corpus: every `.wav` either becomes a record or is listed as skipped with a reason. */
export function loadTessLayout(root: string, corpus = 'tess'): CorpusLoad {
  const dir = locateCorpusDir(root, corpus);
  const records: ClipRecord[] = [];
  const skipped: SkippedFile[] = [];
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const folder of folders) {
    const m = FOLDER.exec(folder);
    const folderEmotion = m ? TESS_EMOTIONS[m[2]] : undefined;
    const files = fs
      .readdirSync(path.join(dir, folder))
      .filter((f) => !f.startsWith('.'))
      .sort();
    for (const file of files) {
      const full = path.join(dir, folder, file);
      if (!m || folderEmotion === undefined) {
        skipped.push({ path: full, reason: `folder "${folder}" is not <SPEAKER>_<emotion>` });
        continue;
      }
      const f = FILE.exec(file);
      if (!f) {
        skipped.push({ path: full, reason: 'file name is not <SPEAKER>_<word>_<emotion>.wav' });
        continue;
      }
      const fileEmotion = TESS_EMOTIONS[f[3].toLowerCase()];
      if (fileEmotion !== folderEmotion) {
        skipped.push({ path: full, reason: `emotion in file name (${f[3]}) disagrees with folder (${m[2]})` });
        continue;
      }
      records.push({ path: full, corpus, speaker: m[1], emotion: folderEmotion, sentence: f[2].toLowerCase() });
    }
  }
  if (records.length === 0) {
    throw new UserError(`no ${corpus} clips found (expected ${corpus}/<SPEAKER>_<emotion>/*.wav; see data/README.md)`, dir);
  }
  return { corpus, dir, records, skipped };
}
