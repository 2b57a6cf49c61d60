/**
 * The corpus registry: a name → loader table that the CLI, notebooks and tests share.
 */
import { UserError } from '../util/errors';
import { loadTessLayout } from './tess';
import type { CorpusLoad } from './types';

export type CorpusLoader = (root: string) => CorpusLoad;

const LOADERS: Record<string, CorpusLoader> = {
  tess: (root) => loadTessLayout(root, 'tess'),
  synthetic: (root) => loadTessLayout(root, 'synthetic'),
};

/** Names of the corpora this version can read. */
export function corpusNames(): string[] {
  return Object.keys(LOADERS);
}

/** Load a corpus by name from the data root (`root/<name>`, or `root` itself if it is the corpus folder). */
export async function loadCorpus(name: string, root: string): Promise<CorpusLoad> {
  const loader = LOADERS[name];
  if (!loader) throw new UserError(`unknown corpus "${name}" (known: ${corpusNames().join(', ')})`);
  return loader(root);
}
