import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Write a file atomically: a temp file in the same folder, then rename, so a crash never leaves half a file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Build a directory atomically: `fill` writes into a fresh temp folder beside `dir`, which then replaces `dir`
 * (the old one is removed only after the new one is complete).
 */
export async function writeDirAtomic(
  dir: string,
  fill: (tmpDir: string) => Promise<void> | void,
): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  // mkdirSync, not mkdtempSync (always 0700): the directory gets the user's umask, as its files do (0755/0644).
  const tmp = path.join(
    parent,
    `.${path.basename(dir)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  fs.mkdirSync(tmp);
  try {
    await fill(tmp);
    const old = fs.existsSync(dir) ? `${dir}.old-${process.pid}-${Date.now()}` : undefined;
    if (old) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
