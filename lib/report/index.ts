/**
 * Notebook → HTML reports. {@link runReports} executes notebooks headless, in order, with the
 * project's tslab kernel (Debian's nbclient, through lib/report/execute.py), and writes one
 * self-contained HTML page per notebook plus an index page linking them with status and metrics.
 *
 * Layout of the output folder (default `reports/`):
 *   NN-name.html                 the executed notebook (plotly.js embedded once in its head, opens offline)
 *   index.html                   every report: status, time, headline metrics
 *   .meta/NN-name.run.json       status of the last run of that notebook (written here)
 *   .meta/NN-name.metrics.json   metrics the notebook recorded with recordMetrics (lib/notebook)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { METRICS_FILE_ENV, type ReportMetrics } from '../notebook';
import { escapeHtml } from '../viz/html';
import { writeFileAtomic } from '../util/atomic';
import { projectRoot } from '../util/paths';
import { renderIndexPage, type ReportRecord } from './index-page';
import { ensureTslabKernel, jupyterEnv, jupyterPlotlyFile, KERNEL_NAME } from './kernel';

export * from './kernel';
export * from './jupyter';
export { renderIndexPage, type ReportRecord } from './index-page';

export interface RunReportsOptions {
  /** Notebook paths, run in this order. Default: every `notebooks/*.ipynb` of the project, by name. */
  notebooks?: string[];
  /** Output folder (relative to the current directory). Default: `<project>/reports`. */
  outDir?: string;
  /** Sets `SER_QUICK=1` in the notebooks' environment (few epochs, small data). Default: `SER_QUICK` of this process. */
  quick?: boolean;
  /** Seconds one cell may run before the notebook is failed (default 1800). */
  timeoutSec?: number;
  /** Called as notebooks and cells start and finish. */
  onProgress?: (event: ReportProgress) => void;
  /** Python with nbclient/nbconvert. Default: `SER_PYTHON`, else /usr/bin/python3 (Debian's Jupyter). */
  python?: string;
}

export type ReportProgress =
  | { type: 'notebook-start'; name: string; index: number; total: number }
  | { type: 'cell'; name: string; cell: number; of: number }
  | { type: 'notebook-done'; result: ReportResult }
  | { type: 'index'; path: string };

export interface ReportResult {
  /** Report name: the notebook's file name without `.ipynb`, e.g. `00-quickstart`. */
  name: string;
  notebook: string;
  status: 'ok' | 'failed';
  seconds: number;
  /** The HTML report (written in both cases). */
  output: string;
  /** What went wrong, when failed. */
  error?: string;
  metrics: Record<string, ReportMetrics>;
}

export interface RunReportsResult {
  /** True when every notebook ran without error; callers such as the CLI exit non-zero otherwise. */
  ok: boolean;
  results: ReportResult[];
  /** The index page. */
  index: string;
}

const EVENT_PREFIX = '@@ser-report ';

interface DriverEvent {
  type: 'cell' | 'result';
  cell?: number;
  of?: number;
  ok?: boolean;
  failure?: { cell: number | null; ename: string; evalue: string } | null;
}

/** The project's notebooks (`notebooks/*.ipynb`), in name order. */
export function listNotebooks(root: string = projectRoot()): string[] {
  const dir = path.join(root, 'notebooks');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => path.join(dir, f));
}

function defaultPython(): string {
  if (process.env.SER_PYTHON) return process.env.SER_PYTHON;
  // The python3 first on PATH may be another install without Jupyter; Debian's has nbclient.
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Minimal page for a run that produced no HTML at all (the driver itself crashed). */
function crashPage(name: string, error: string): string {
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(name)} (failed)</title></head><body>` +
    `<p><a href="index.html">&larr; all reports</a></p><h1>${escapeHtml(name)}: report failed</h1>` +
    `<p>The notebook could not be executed:</p><pre id="ser-failure">${escapeHtml(error)}</pre></body></html>\n`
  );
}

interface DriverRun {
  result?: DriverEvent;
  log: string;
  exitCode: number | null;
}

function runDriver(
  python: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onEvent: (e: DriverEvent) => void,
): Promise<DriverRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let result: DriverEvent | undefined;
    let pending = '';
    const keepLog = (text: string): void => {
      // Only the tail matters for diagnosing a crash.
      log = (log + text).slice(-8000);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith(EVENT_PREFIX)) {
          keepLog(line + '\n');
          continue;
        }
        const event = JSON.parse(line.slice(EVENT_PREFIX.length)) as DriverEvent;
        if (event.type === 'result') result = event;
        else onEvent(event);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keepLog);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ result, log: log + pending, exitCode }));
  });
}

async function runOne(
  notebook: string,
  outDir: string,
  options: { quick: boolean; timeoutSec: number; python: string; root: string },
  onProgress: (event: ReportProgress) => void,
): Promise<ReportResult> {
  const name = path.basename(notebook, '.ipynb');
  const output = path.join(outDir, `${name}.html`);
  const metaDir = path.join(outDir, '.meta');
  const metricsFile = path.join(metaDir, `${name}.metrics.json`);
  fs.mkdirSync(metaDir, { recursive: true });
  // ReportMetrics of an earlier run must not survive into this one's index entry.
  fs.rmSync(metricsFile, { force: true });

  const tmpHtml = path.join(outDir, `.${name}.html.tmp-${process.pid}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...jupyterEnv(options.root),
    [METRICS_FILE_ENV]: metricsFile,
  };
  if (options.quick) env.SER_QUICK = '1';
  else delete env.SER_QUICK;
  const args = [
    path.join(options.root, 'lib', 'report', 'execute.py'),
    '--notebook',
    notebook,
    '--html',
    tmpHtml,
    // Each notebook runs in its own folder, so `../dist/lib` and `../data` resolve from notebooks/.
    '--cwd',
    path.dirname(notebook),
    '--kernel',
    KERNEL_NAME,
    '--timeout',
    String(options.timeoutSec),
    '--templates',
    path.join(options.root, 'lib', 'report', 'templates'),
    '--name',
    name,
    '--plotly',
    jupyterPlotlyFile(options.root),
    ...(options.quick ? ['--quick'] : []),
  ];

  const started = Date.now();
  let error: string | undefined;
  try {
    const run = await runDriver(options.python, args, env, (e) => {
      if (e.type === 'cell' && e.cell !== undefined && e.of !== undefined) {
        onProgress({ type: 'cell', name, cell: e.cell, of: e.of });
      }
    });
    if (!run.result || !fs.existsSync(tmpHtml)) {
      error = `the notebook runner exited with code ${run.exitCode} before writing a report:\n${run.log.trim()}`;
    } else if (!run.result.ok) {
      const f = run.result.failure;
      error = f ? `${f.cell ? `cell ${f.cell}: ` : ''}${f.ename}: ${f.evalue}` : 'failed';
    }
  } catch (err) {
    error = `could not start ${options.python}: ${(err as Error).message}`;
  }
  if (fs.existsSync(tmpHtml)) fs.renameSync(tmpHtml, output);
  else writeFileAtomic(output, crashPage(name, error ?? 'unknown error'));

  const result: ReportResult = {
    name,
    notebook,
    status: error === undefined ? 'ok' : 'failed',
    seconds: (Date.now() - started) / 1000,
    output,
    ...(error !== undefined ? { error } : {}),
    metrics: readJson<Record<string, ReportMetrics>>(metricsFile) ?? {},
  };
  const record: ReportRecord = {
    name,
    notebook: path.relative(options.root, notebook),
    status: result.status,
    seconds: result.seconds,
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    ...(error !== undefined ? { error } : {}),
  };
  writeFileAtomic(path.join(metaDir, `${name}.run.json`), JSON.stringify(record, null, 2) + '\n');
  return result;
}

/** Reads every report's last run record and metrics from `<outDir>/.meta` and writes `index.html`. */
export function writeIndex(outDir: string): string {
  const metaDir = path.join(outDir, '.meta');
  const records: ReportRecord[] = [];
  if (fs.existsSync(metaDir)) {
    for (const file of fs
      .readdirSync(metaDir)
      .filter((f) => f.endsWith('.run.json'))
      .sort()) {
      const record = readJson<ReportRecord>(path.join(metaDir, file));
      if (!record) continue;
      // A report whose page was deleted is no longer listed.
      if (!fs.existsSync(path.join(outDir, `${record.name}.html`))) continue;
      const metrics = readJson<Record<string, ReportMetrics>>(
        path.join(metaDir, `${record.name}.metrics.json`),
      );
      records.push({ ...record, metrics: metrics ?? {} });
    }
  }
  const index = path.join(outDir, 'index.html');
  writeFileAtomic(index, renderIndexPage(records));
  return index;
}

/**
 * Executes notebooks in order and writes their HTML reports and the index page. A failing notebook
 * still gets its page (outputs up to the error, with a banner) and the run goes on with the next
 * one; the result's `ok` is false if any failed.
 *
 * Notebooks run with their own folder as working directory and import the compiled library
 * (`../dist/lib`), so build first (`npm run report` does).
 */
export async function runReports(options: RunReportsOptions = {}): Promise<RunReportsResult> {
  const root = projectRoot();
  const notebooks = (options.notebooks ?? listNotebooks(root)).map((n) => path.resolve(n));
  const outDir = path.resolve(options.outDir ?? path.join(root, 'reports'));
  const quick = options.quick ?? process.env.SER_QUICK === '1';
  const onProgress = options.onProgress ?? ((): void => undefined);
  for (const nb of notebooks) if (!fs.existsSync(nb)) throw new Error(`runReports: no such notebook: ${nb}`);
  ensureTslabKernel(root);
  fs.mkdirSync(outDir, { recursive: true });

  const results: ReportResult[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    const name = path.basename(notebook, '.ipynb');
    onProgress({ type: 'notebook-start', name, index: i, total: notebooks.length });
    const result = await runOne(
      notebook,
      outDir,
      { quick, timeoutSec: options.timeoutSec ?? 1800, python: options.python ?? defaultPython(), root },
      onProgress,
    );
    results.push(result);
    onProgress({ type: 'notebook-done', result });
  }
  const index = writeIndex(outDir);
  onProgress({ type: 'index', path: index });
  return { ok: results.every((r) => r.status === 'ok'), results, index };
}
