/** Run the `ser` command as a user would (a child process), without progress bars. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './data';

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
