/**
 * What every corpus loader shares: finding the corpus folder under a data root, walking it, and turning
 * each file into either a record or a skipped entry with a reason, so a load accounts for every file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import type { ClipRecord, CorpusLoad, SkippedFile } from './types';

/** File extensions the loaders accept as audio (decoding itself sniffs the bytes, never the name). */
export const AUDIO_EXTENSIONS = ['.wav', '.flac', '.aif', '.aiff'] as const;

/** The name without its audio extension, or undefined when it has none of {@link AUDIO_EXTENSIONS}. */
export function audioStem(name: string): string | undefined {
  const ext = path.extname(name).toLowerCase();
  return (AUDIO_EXTENSIONS as readonly string[]).includes(ext) ? name.slice(0, -ext.length) : undefined;
}

export interface LocateOptions {
  /** Other folder names the corpus is published under (matched case-insensitively), e.g. `CREMA-D`. */
  aliases?: readonly string[];
  /** Require `root/<name>`; by default `root` itself is used when it has no such folder. Default false. */
  subfolderOnly?: boolean;
}

/**
 * Where a corpus sits under `root`: `root/<corpus>` (or an alias, case-insensitively) if it exists, else
 * `root` itself (so `--root` may point at the corpus folder), unless `subfolderOnly`.
 */
export function locateCorpusDir(root: string, corpus: string, options: LocateOptions = {}): string {
  if (!fs.existsSync(root)) throw new UserError('data root does not exist', root);
  if (!fs.statSync(root).isDirectory()) throw new UserError('data root is not a folder', root);
  const wanted = [corpus, ...(options.aliases ?? [])].map((n) => n.toLowerCase());
  const dirs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isSymbolicLink() && fs.statSync(path.join(root, e.name)).isDirectory()))
    .map((e) => e.name);
  for (const name of wanted) {
    const exact = dirs.find((d) => d === name) ?? dirs.find((d) => d.toLowerCase() === name);
    if (exact !== undefined) return path.join(root, exact);
  }
  if (options.subfolderOnly) throw new UserError(`no ${corpus} folder (looked for ${wanted.join(', ')})`, root);
  return root;
}

/** Every file under `dir` (recursively, following no links out of it), as absolute paths in sorted order. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() || (e.isSymbolicLink() && fs.statSync(p).isFile())) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** What a loader's file visitor sees: the path, its parts relative to the corpus folder, and the stem. */
export interface VisitedFile {
  path: string;
  /** Path components below the corpus folder, e.g. `['OAF_angry', 'OAF_back_angry.wav']`. */
  parts: string[];
  /** The file name without its audio extension. */
  stem: string;
}

/** A visitor's verdict on one audio file: a record, or the reason it is skipped. */
export type Visit = Omit<ClipRecord, 'path' | 'corpus'> | { skip: string };

export interface WalkOptions {
  /** Files that are not audio but belong to the corpus (e.g. a demographics table): name → why. */
  metadata?: Readonly<Record<string, string>>;
  /** Shown when no clip is found, e.g. `Actor_NN/03-01-EE-II-SS-RR-NN.wav`. */
  expected: string;
}

/**
 * Walk a corpus folder and let `visit` label each audio file. Hidden files, non-audio files and metadata
 * files are listed as skipped with their reason, so every file is accounted for. Throws a {@link UserError}
 * naming the folder when no clip is found.
 */
export function walkCorpus(corpus: string, dir: string, options: WalkOptions, visit: (f: VisitedFile) => Visit): CorpusLoad {
  const records: ClipRecord[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of listFiles(dir)) {
    const parts = path.relative(dir, file).split(path.sep);
    const name = parts[parts.length - 1];
    const stem = audioStem(name);
    const skip = (reason: string) => skipped.push({ path: file, reason, corpus });
    if (name.startsWith('.')) skip('hidden file');
    else if (options.metadata?.[name] !== undefined) skip(options.metadata[name]);
    else if (stem === undefined) skip(`not an audio file name (expected ${AUDIO_EXTENSIONS.join(', ')})`);
    else {
      const v = visit({ path: file, parts, stem });
      if ('skip' in v) skip(v.skip);
      else records.push({ path: file, corpus, ...v });
    }
  }
  if (records.length === 0) {
    throw new UserError(`no ${corpus} clips found (expected ${options.expected}; see data/README.md)`, dir);
  }
  return { corpus, dir, records, skipped };
}
