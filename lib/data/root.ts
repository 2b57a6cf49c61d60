import * as path from 'node:path';
import { projectRoot } from '../util/paths';

/**
 * The data root: the explicit value (`--root`), else the `SER_DATA_DIR` environment variable, else `data/`
 * in the project. Corpora live in sub-folders named after them (`tess/`, `ravdess/`, …); see data/README.md.
 */
export function resolveDataRoot(explicit?: string): string {
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const env = process.env.SER_DATA_DIR;
  if (env !== undefined && env !== '') return path.resolve(env);
  return path.join(projectRoot(), 'data');
}
