/**
 * Where tests find real corpora: SER_DATA_DIR, else the project's data/ (materialized from
 * ../shared/datasets by scripts/setup.sh). A missing corpus fails the test that needs it, loudly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveDataRoot } from '../../lib/data/root';

export function realDataRoot(corpus: 'tess' | 'ravdess'): string {
  const root = resolveDataRoot();
  const dir = path.join(root, corpus);
  if (!fs.existsSync(dir)) {
    throw new Error(
      `test needs the real ${corpus} corpus in ${dir}: run scripts/setup.sh (materializes ../shared/datasets)`,
    );
  }
  return root;
}

/** The project root (tests run from dist/test/...). */
export function repoRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}
