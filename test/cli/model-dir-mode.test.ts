/**
 * Model directories are written with the user's umask, like any file the user creates: 0755/0644 under the
 * usual 022, private under 077 (they used to be 0700 whatever the umask).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readModelMeta, saveClassicModelDir } from '../../lib/models/model-dir';

test('a saved model directory and its files follow the umask (0755/0644 under 022, 0700/0600 under 077)', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-mode-'));
  const before = process.umask(0o022);
  try {
    for (const [umask, dirMode, fileMode] of [
      [0o022, 0o755, 0o644],
      [0o077, 0o700, 0o600],
    ] as const) {
      process.umask(umask);
      const dir = path.join(tmp, `model-${umask.toString(8)}`);
      await saveClassicModelDir(dir, { trees: [] }, ['angry', 'sad'], { note: 'mode test' });
      assert.equal(fs.statSync(dir).mode & 0o777, dirMode, `directory under umask ${umask.toString(8)}`);
      for (const name of fs.readdirSync(dir))
        assert.equal(
          fs.statSync(path.join(dir, name)).mode & 0o777,
          fileMode,
          `${name} under ${umask.toString(8)}`,
        );
      assert.deepEqual(readModelMeta(dir).labels, ['angry', 'sad']);
    }
  } finally {
    process.umask(before);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
