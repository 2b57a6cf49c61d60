/**
 * Display helpers for notebooks running in the tslab kernel: Plotly figures, tables, markdown, and
 * headline metrics for the reports index (lib/report).
 *
 * tslab is loaded lazily, on the first display call, so importing the library from the CLI or the
 * tests does not pull in tslab's TypeScript compiler.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../util/atomic';
import type { PlotlyFigure } from '../viz/plotly';
import { audioClipHtml, type AudioClipOptions } from './audio';
import { display } from './display';
import {
  figureHtml,
  tableHtml,
  type DataFrameLike,
  type DrawableFigure,
  type TableOptions,
  type TableRow,
} from '../viz/html';

export { showHtml } from './display';
export * from './audio';
export * from './explore';
export * from './zoo-model';
export * from './evaluation';
export * from './augment-preview';
export * from './reproduction';

/**
 * Renders a Plotly figure in the cell's output. The output does not carry plotly.js (about 4.5 MB): a report
 * embeds it once per page, and a live Jupyter page fetches it once from the server (see {@link figureHtml}).
 * Pass `includeBundle: true` to inline it anyway (an output meant to be copied out on its own).
 */
export function showFigure(fig: DrawableFigure, options: { includeBundle?: boolean } = {}): void {
  display().html(figureHtml(fig, { includeBundle: options.includeBundle ?? false }));
}

/** A figure drawn once in the cell's output and redrawn in place by each {@link LiveFigure.update}. */
export interface LiveFigure {
  update(fig: PlotlyFigure): void;
}

/**
 * A figure that updates while the cell runs (e.g. training curves after every epoch): tslab's `newDisplay`
 * overwrites one output entry, and an exported report keeps its last state.
 */
export function liveFigure(): LiveFigure {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entry = (require('tslab') as typeof import('tslab')).newDisplay();
  return {
    update(fig) {
      entry.html(figureHtml(fig, { includeBundle: false }));
    },
  };
}

/** Renders a Danfo.js DataFrame or an array of records as an HTML table (first `maxRows` rows). */
export function showTable(source: DataFrameLike | TableRow[], options: TableOptions = {}): void {
  display().html(tableHtml(source, options));
}

/** Renders an audio player for a mono clip, made small for the page (see {@link audioClipHtml}). */
export function showAudio(samples: Float32Array, sampleRate: number, options: AudioClipOptions = {}): void {
  display().html(audioClipHtml(samples, sampleRate, options));
}

/** Renders Markdown in the cell's output (e.g. text that depends on computed values). */
export function showMarkdown(markdown: string): void {
  display().markdown(markdown);
}

/** Headline numbers for the reports index, e.g. `{ accuracy: 0.613, clips: 480 }`. */
export type ReportMetrics = Record<string, number | string | boolean>;

/** Environment variable naming the JSON file that collects this notebook's metrics (set by runReports). */
export const METRICS_FILE_ENV = 'SER_REPORT_METRICS';

/**
 * Records headline metrics under `name` for the reports index. When the notebook runs through
 * runReports, they are merged into the file named by `SER_REPORT_METRICS`; in an interactive session
 * (variable unset) nothing is written.
 */
export function recordMetrics(name: string, metrics: ReportMetrics): void {
  const file = process.env[METRICS_FILE_ENV];
  if (!file) return;
  let all: Record<string, ReportMetrics> = {};
  if (fs.existsSync(file)) all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ReportMetrics>;
  all[name] = metrics;
  writeFileAtomic(file, JSON.stringify(all, null, 2) + '\n');
}
