/**
 * The corpus registry: a name → loader table that the CLI, notebooks and tests share.
 */
import { UserError } from '../util/errors';
import { loadCremad } from './cremad';
import { loadEmodb } from './emodb';
import { loadClassFolders } from './folder';
import { loadRavdess } from './ravdess';
import { loadSavee } from './savee';
import { loadTessLayout } from './tess';
import type { CorpusLoad, LoaderOptions } from './types';

export type CorpusLoader = (root: string, options?: LoaderOptions) => CorpusLoad;

const LOADERS: Record<string, CorpusLoader> = {
  tess: (root, options) => loadTessLayout(root, 'tess', options),
  ravdess: loadRavdess,
  cremad: loadCremad,
  savee: loadSavee,
  emodb: loadEmodb,
  folder: (root, options) => loadClassFolders(root, options),
  synthetic: (root, options) => loadTessLayout(root, 'synthetic', options),
};

/** Names of the corpora this version can read. */
export function corpusNames(): string[] {
  return Object.keys(LOADERS);
}

/**
 * Load a corpus by name from the data root (`root/<name>`, or `root` itself if it is the corpus folder,
 * unless `options.subfolderOnly`). Labels follow `options` (calm kept, boredom skipped by default).
 */
export async function loadCorpus(name: string, root: string, options: LoaderOptions = {}): Promise<CorpusLoad> {
  if (!Object.hasOwn(LOADERS, name))
    throw new UserError(`unknown corpus "${name}" (valid: ${corpusNames().join(', ')})`);
  return LOADERS[name](root, options);
}
