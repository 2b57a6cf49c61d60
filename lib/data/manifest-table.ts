/**
 * The manifest as a table: CSV (RFC 4180, one header row) and a Danfo.js DataFrame. The plain rows
 * (`Manifest.rows`) stay the primary API; these are views of them.
 */
import type { DataFrame } from 'danfojs-node';
import { writeFileAtomic } from '../util/atomic';
import type { ManifestRow } from './manifest';

/** Columns in table order; `repetition` is empty (CSV) or null (DataFrame) where a corpus has none. */
export const MANIFEST_COLUMNS = [
  'id',
  'path',
  'corpus',
  'speaker',
  'gender',
  'emotion',
  'corpusLabel',
  'intensity',
  'sentence',
  'repetition',
  'sampleRate',
  'channels',
  'frames',
  'duration',
  'container',
  'encoding',
  'bytes',
  'fileHash',
  'contentHash',
] as const satisfies readonly (keyof ManifestRow)[];

type Cell = string | number | null;

/** Column name → values, in {@link MANIFEST_COLUMNS} order. */
export function manifestColumns(rows: readonly ManifestRow[]): Record<(typeof MANIFEST_COLUMNS)[number], Cell[]> {
  const out = {} as Record<(typeof MANIFEST_COLUMNS)[number], Cell[]>;
  for (const c of MANIFEST_COLUMNS) out[c] = rows.map((r) => r[c] ?? null);
  return out;
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV text (header + one line per row, `\n` line ends). */
export function manifestToCsv(rows: readonly ManifestRow[]): string {
  const lines = [MANIFEST_COLUMNS.join(',')];
  for (const r of rows) lines.push(MANIFEST_COLUMNS.map((c) => csvCell(r[c] ?? null)).join(','));
  return lines.join('\n') + '\n';
}

/** Write the rows as CSV, atomically. */
export function writeManifestCsv(file: string, rows: readonly ManifestRow[]): void {
  writeFileAtomic(file, manifestToCsv(rows));
}

/**
 * The rows as a Danfo.js DataFrame with {@link MANIFEST_COLUMNS}. danfojs-node is loaded on the first call
 * (it loads tfjs, which takes seconds), so code that never asks for a frame never pays for it.
 */
export async function manifestToDataFrame(rows: readonly ManifestRow[]): Promise<DataFrame> {
  const dfd = await import('danfojs-node');
  if (rows.length === 0) return new dfd.DataFrame([], { columns: [...MANIFEST_COLUMNS] });
  return new dfd.DataFrame(manifestColumns(rows), { columns: [...MANIFEST_COLUMNS] });
}
