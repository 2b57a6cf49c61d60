import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under `dir` (recursively) whose name matches `pattern`, sorted; [] when `dir` does not exist. */
export function listFiles(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? listFiles(path.join(dir, e.name), pattern)
        : pattern.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}
