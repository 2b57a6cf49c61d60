/** Run the `ser` command as a user would (a child process), without progress bars. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { realDataRoot, repoRoot } from './data';

export interface SerRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runSer(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): SerRun {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'bin', 'ser.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, SER_PROGRESS: '0', ...env },
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `ser train --model MODEL` on the real TESS corpus, writing `out`; `options` are further `ser train` options
 * (split, fold, limit, …). The training must succeed: its stderr is the failure message.
 */
export function trainOnTess(model: string, out: string, options: string[] = [], timeoutMs = 600_000): SerRun {
  const root = realDataRoot('tess');
  const r = runSer(
    ['train', '--model', model, '--corpus', 'tess', '--root', root, ...options, '--out', out],
    {},
    timeoutMs,
  );
  assert.equal(r.code, 0, r.stderr);
  return r;
}
