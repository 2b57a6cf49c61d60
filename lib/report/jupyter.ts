/**
 * A Jupyter Notebook server for the project's notebooks, on 127.0.0.1, with the project's tslab kernel and
 * settings (lib/report/kernel: everything under `<project>/.jupyter/`, plotly.js served to figure outputs).
 * Used by `ser notebook` and by the test that drives Jupyter in Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { projectRoot } from '../util/paths';
import { ensureTslabKernel, jupyterEnv } from './kernel';

/** Debian's classic Notebook server (package `jupyter-notebook`; bookworm has no JupyterLab). */
export const JUPYTER_NOTEBOOK_BIN = 'jupyter-notebook';

export interface StartJupyterOptions {
  /** Project root (default: this checkout). */
  root?: string;
  /** Folder the server shows (default `<root>/notebooks`). */
  notebookDir?: string;
  /** Port on 127.0.0.1; when it is taken Jupyter tries the next ones, unless `exactPort` (default 8888). */
  port?: number;
  exactPort?: boolean;
  /** Access token (default: random). */
  token?: string;
  /** Receives the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
  /** Seconds to wait for the server to listen (default 60). */
  startTimeoutSec?: number;
}

export interface JupyterServer {
  /** Base URL, e.g. `http://127.0.0.1:8888/`. */
  baseUrl: string;
  port: number;
  token: string;
  /** The notebook list, with the token: what a person opens. */
  url: string;
  /** The URL that opens one notebook (a path relative to the notebook folder), with the token. */
  notebookUrl(relativePath: string): string;
  /** Resolves with the exit code when the server ends. */
  exited: Promise<number | null>;
  /** Stops the server (and its kernels): SIGTERM, then SIGKILL after `graceSec` (default 10). */
  stop(graceSec?: number): Promise<void>;
}

/**
 * Registers the project's tslab kernel, then starts `jupyter-notebook --no-browser --ip=127.0.0.1` on the
 * notebook folder with the project's Jupyter environment, and resolves once it listens.
 */
export async function startJupyter(options: StartJupyterOptions = {}): Promise<JupyterServer> {
  const root = options.root ?? projectRoot();
  const notebookDir = path.resolve(options.notebookDir ?? path.join(root, 'notebooks'));
  const token = options.token ?? randomBytes(24).toString('hex');
  const port = options.port ?? 8888;
  ensureTslabKernel(root);
  const args = [
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    ...(options.exactPort ? ['--port-retries=0'] : []),
    `--notebook-dir=${notebookDir}`,
    `--NotebookApp.token=${token}`,
    // Containers and CI machines often run as root, which Jupyter refuses without this flag.
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  const child = spawn(JUPYTER_NOTEBOOK_BIN, args, {
    cwd: notebookDir,
    env: { ...process.env, ...jupyterEnv(root) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const listening = waitForUrl(child, options.onLog ?? (() => undefined), options.startTimeoutSec ?? 60);
  let actualPort: number;
  try {
    actualPort = await listening;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const baseUrl = `http://127.0.0.1:${actualPort}/`;
  const withToken = (p: string) => `${baseUrl}${p}?token=${token}`;
  return {
    baseUrl,
    port: actualPort,
    token,
    url: withToken('tree'),
    notebookUrl: (relativePath) =>
      withToken('notebooks/' + relativePath.split(path.sep).map(encodeURIComponent).join('/')),
    exited,
    async stop(graceSec = 10) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceSec * 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves with the port once the server logs the URL it listens on; rejects when it exits first. */
function waitForUrl(child: ChildProcess, onLog: (line: string) => void, timeoutSec: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new Error(`jupyter-notebook did not start in ${timeoutSec} s:\n${tail.join('\n')}`)),
        ),
      timeoutSec * 1000,
    );
    const onLine = (line: string) => {
      onLog(line);
      tail.push(line);
      if (tail.length > 15) tail.shift();
      const m = /https?:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
      if (m) settle(() => resolve(Number(m[1])));
    };
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.on('error', (err: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          err.code === 'ENOENT'
            ? new UserError(
                `${JUPYTER_NOTEBOOK_BIN} not found: install Debian's jupyter-notebook (bash scripts/setup.sh does, as root)`,
              )
            : err,
        ),
      ),
    );
    child.on('close', (code) =>
      settle(() =>
        reject(
          new UserError(
            `${JUPYTER_NOTEBOOK_BIN} exited with code ${code} before listening: ${tail.at(-1) ?? 'no output'}`,
          ),
        ),
      ),
    );
  });
}
