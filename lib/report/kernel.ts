/**
 * The project's own Jupyter setup: the tslab kernel spec and every Jupyter directory live under
 * `<project>/.jupyter/` (gitignored), so running reports never writes into the user's home.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JUPYTER_PLOTLY_PATH, plotlyBundleSource } from '../viz/html';
import { writeFileAtomic } from '../util/atomic';
import { projectRoot } from '../util/paths';

/** Directories Jupyter reads and writes, all inside the project. */
export interface JupyterDirs {
  /** `.jupyter/` itself. */
  base: string;
  /** Prefix passed as `JUPYTER_PATH`'s parent: kernels sit in `<share>/kernels/<name>/kernel.json`. */
  share: string;
  data: string;
  config: string;
  runtime: string;
  ipython: string;
}

/** Name of the kernel spec (the notebooks' `metadata.kernelspec.name`). */
export const KERNEL_NAME = 'tslab';

/** The `.jupyter/` layout for a project root. */
export function jupyterDirs(root: string = projectRoot()): JupyterDirs {
  const base = path.join(root, '.jupyter');
  return {
    base,
    share: path.join(base, 'share', 'jupyter'),
    data: path.join(base, 'data'),
    config: path.join(base, 'config'),
    runtime: path.join(base, 'runtime'),
    ipython: path.join(base, 'ipython'),
  };
}

/**
 * Environment variables that point Jupyter (and IPython, which nbconvert imports) at the project's
 * `.jupyter/`. Merge them over `process.env` when starting Jupyter tools.
 */
export function jupyterEnv(root: string = projectRoot()): Record<string, string> {
  const dirs = jupyterDirs(root);
  return {
    JUPYTER_PATH: dirs.share,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    IPYTHONDIR: dirs.ipython,
    // Silences jupyter_core's platformdirs migration warning on newer versions; harmless on older ones.
    JUPYTER_PLATFORM_DIRS: '1',
  };
}

/** The plotly.js bundle file that Jupyter serves at `<base_url>custom/ser-plotly.js`. */
export function jupyterPlotlyFile(root: string = projectRoot()): string {
  return path.join(jupyterDirs(root).config, JUPYTER_PLOTLY_PATH);
}

/** The module every notebook kernel preloads (compiled, beside this one): it quiets tfjs's advisory notices. */
export const KERNEL_PRELOAD = path.join(__dirname, 'kernel-preload.js');

/** The kernel.json content for the project's tslab, started by the current node binary with {@link KERNEL_PRELOAD}. */
export function tslabKernelSpec(root: string = projectRoot()): Record<string, unknown> {
  const tslabBin = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  return {
    // Absolute paths: the spec is generated per checkout (gitignored), and the kernel must not
    // depend on PATH (Jupyter may be started from a shell where another node comes first).
    argv: [
      process.execPath,
      '--require',
      KERNEL_PRELOAD,
      tslabBin,
      'kernel',
      '--config-path',
      '{connection_file}',
    ],
    display_name: 'TypeScript',
    language: 'typescript',
  };
}

/** Writes `content` to `file` atomically, only when it differs (a rewrite would bump its time for nothing). */
function writeIfChanged(file: string, content: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  writeFileAtomic(file, content);
}

/**
 * Writes `.jupyter/share/jupyter/kernels/tslab/kernel.json` (and creates the other directories), and the
 * plotly.js bundle where a Jupyter Notebook server started with {@link jupyterEnv} serves it to figure outputs
 * (`<config>/custom/`, served at `/custom/`; see lib/notebook's figureHtml). Idempotent: rewrites a file only
 * when its content changes. Returns the kernel.json path.
 */
export function ensureTslabKernel(root: string = projectRoot()): string {
  const dirs = jupyterDirs(root);
  const tslabBin = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslabBin)) throw new Error(`tslab is not installed (${tslabBin} missing): run npm ci`);
  for (const dir of [dirs.data, dirs.config, dirs.runtime, dirs.ipython])
    fs.mkdirSync(dir, { recursive: true });
  const kernelDir = path.join(dirs.share, 'kernels', KERNEL_NAME);
  fs.mkdirSync(kernelDir, { recursive: true });
  const file = path.join(kernelDir, 'kernel.json');
  writeIfChanged(file, JSON.stringify(tslabKernelSpec(root), null, 2) + '\n');
  writeIfChanged(jupyterPlotlyFile(root), plotlyBundleSource());
  return file;
}
