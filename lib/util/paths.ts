import * as path from 'node:path';

/** The project root (the folder holding package.json), whether running from lib/ (tslab) or dist/lib/. */
export function projectRoot(): string {
  const here = path.resolve(__dirname, '..', '..');
  return path.basename(here) === 'dist' ? path.dirname(here) : here;
}
