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

/** Whether a path holds glob characters (`*`, `?`, `[`). */
export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Files matching a glob, sorted: `*` and `?` match within one path segment, `**` any number of folders,
 * `[abc]` a character class. The walk starts at the pattern's longest folder prefix without glob characters.
 */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  while (parts.length > 1 && !isGlob(parts[0])) fixed.push(parts.shift()!);
  const base = fixed.length ? fixed.join(path.sep) || path.sep : '.';
  let re = '';
  const rest = parts.join('/');
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '*' && rest[i + 1] === '*') {
      // `**/` matches zero or more folders.
      re += rest[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += rest[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = rest.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${rest
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const matcher = new RegExp(`^${re}$`);
  return listFiles(base, /./).filter((f) => matcher.test(path.relative(base, f).split(path.sep).join('/')));
}
