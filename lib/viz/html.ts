/**
 * HTML snippets for notebook outputs and standalone pages, as pure functions (lib/notebook displays them).
 *
 * Figures are a `<div>` plus an inline `<script>` calling `Plotly.newPlot`: inline scripts in
 * text/html outputs run both in the live notebook (Jupyter evaluates them for trusted outputs)
 * and in the exported HTML (nbconvert copies the output verbatim into the page).
 */
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { PlotlyFigure } from './plotly';
import type { TuneFigure } from './tune';

/** What a notebook draws: a figure of lib/viz (tuning figures carry parcoords and contour traces too). */
export type DrawableFigure = PlotlyFigure | TuneFigure;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside an inline `<script>`: `</script>` or `<!--` in a string cannot end the
 * element, and U+2028/U+2029 (line terminators in older JS) are escaped.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let bundleCache: string | undefined;

/**
 * The plotly.js-dist-min bundle as JavaScript that defines `window.Plotly`. The bundle is UMD: where an AMD
 * loader (require.js in the classic notebook) or CommonJS globals exist it would register there instead of on
 * `window`, so those names are shadowed. `</script` is escaped, so the source can sit in an inline `<script>`.
 */
export function plotlyBundleSource(): string {
  if (bundleCache === undefined) {
    const source = fs
      .readFileSync(require.resolve('plotly.js-dist-min'), 'utf8')
      .replace(/<\/script/gi, '<\\/script');
    bundleCache = '(function () { var define, module, exports;\n' + source + '\n}).call(window);';
  }
  return bundleCache;
}

/** {@link plotlyBundleSource} as one inline `<script>` (what a self-contained page embeds once). */
export function plotlyBundleScript(): string {
  return '<script type="text/javascript">' + plotlyBundleSource() + '</script>';
}

/**
 * Where a Jupyter Notebook server started with the project's settings (lib/report/kernel) serves
 * {@link plotlyBundleSource}, relative to its base URL: the `custom/` folder of the project's Jupyter config.
 */
export const JUPYTER_PLOTLY_PATH = 'custom/ser-plotly.js';

export interface FigureHtmlOptions {
  /**
   * Prepend the plotly.js bundle: for a standalone page, once per page. Notebook outputs leave it out (a report
   * embeds it once in its head; a live notebook page fetches it once from the Jupyter server).
   */
  includeBundle: boolean;
  /** Element id; random by default. */
  id?: string;
}

/**
 * A figure as HTML: a sized `<div>` and the script that draws into it. Where the page has no `window.Plotly`
 * and is a Jupyter Notebook page (its body carries `data-base-url`), the script fetches the bundle from the
 * server once per page (every figure waits on the same promise), so figures draw after a page reload and in
 * cells re-run after it, whatever the kernel sent before.
 */
export function figureHtml(fig: DrawableFigure, options: FigureHtmlOptions): string {
  const id = options.id ?? `ser-fig-${randomBytes(6).toString('hex')}`;
  const height = fig.layout.height ?? 450;
  const config = { responsive: true, displaylogo: false };
  const draw =
    `(function () {\n` +
    `  var el = document.getElementById(${scriptJson(id)});\n` +
    `  var draw = function () {\n` +
    `    window.Plotly.newPlot(el, ${scriptJson(fig.data)}, ${scriptJson(fig.layout)}, ${scriptJson(config)});\n` +
    `  };\n` +
    `  if (window.Plotly) return draw();\n` +
    `  var base = document.body && document.body.getAttribute('data-base-url');\n` +
    `  if (base === null || !window.fetch) {\n` +
    `    el.textContent = 'plotly.js is not loaded on this page: open the notebook with npm run notebook, or re-run it from the top.';\n` +
    `    return;\n` +
    `  }\n` +
    `  if (!window.serPlotlyLoading) {\n` +
    `    window.serPlotlyLoading = fetch(base.replace(/\\/?$/, '/') + ${scriptJson(JUPYTER_PLOTLY_PATH)})\n` +
    `      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })\n` +
    `      .then(function (source) {\n` +
    `        var s = document.createElement('script');\n` +
    `        s.text = source;\n` +
    `        document.head.appendChild(s);\n` +
    `        if (!window.Plotly) throw new Error('the bundle did not define Plotly');\n` +
    `      });\n` +
    `    window.serPlotlyLoading.catch(function () { window.serPlotlyLoading = undefined; });\n` +
    `  }\n` +
    `  window.serPlotlyLoading.then(draw, function (e) {\n` +
    `    el.textContent = 'plotly.js could not be loaded from the Jupyter server (' + e.message + '): start Jupyter with npm run notebook.';\n` +
    `  });\n` +
    `})();`;
  return (
    (options.includeBundle ? plotlyBundleScript() + '\n' : '') +
    `<div id="${escapeHtml(id)}" class="ser-figure" style="width:100%;height:${height}px;"></div>\n` +
    `<script type="text/javascript">\n${draw}\n</script>`
  );
}

/** What a Danfo.js DataFrame offers that a table needs (checked structurally: no danfojs import here). */
export interface DataFrameLike {
  columns: string[];
  index: (string | number)[];
  values: unknown[][] | unknown[];
}

export type TableRow = Record<string, unknown>;

/** True for Danfo.js DataFrames (and anything shaped like one). */
export function isDataFrameLike(value: unknown): value is DataFrameLike {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Partial<DataFrameLike>;
  return Array.isArray(v.columns) && Array.isArray(v.index) && Array.isArray(v.values);
}

/** Cell text: integers as they are, other numbers to 4 significant digits, objects as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    return String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export interface TableOptions {
  /** Rows shown before the rest is summarised (default 20). */
  maxRows?: number;
  caption?: string;
}

interface TableData {
  header: string[];
  rows: unknown[][];
  /** Whether the first column is the DataFrame index (rendered as a row header). */
  indexColumn: boolean;
}

function toTableData(source: DataFrameLike | TableRow[]): TableData {
  if (isDataFrameLike(source)) {
    // A one-column frame's values may come back flat.
    const rows = source.values.map((row) => (Array.isArray(row) ? row : [row]));
    return {
      header: ['', ...source.columns],
      rows: rows.map((row, i) => [source.index[i], ...row]),
      indexColumn: true,
    };
  }
  const header: string[] = [];
  for (const row of source) for (const key of Object.keys(row)) if (!header.includes(key)) header.push(key);
  return { header, rows: source.map((row) => header.map((key) => row[key])), indexColumn: false };
}

/** A DataFrame or an array of records as an HTML table, showing at most `maxRows` rows. */
export function tableHtml(source: DataFrameLike | TableRow[], options: TableOptions = {}): string {
  const maxRows = options.maxRows ?? 20;
  const { header, rows, indexColumn } = toTableData(source);
  const shown = rows.slice(0, Math.max(0, maxRows));
  const cell = (value: unknown, j: number): string => {
    const text = escapeHtml(formatCell(value));
    const numeric = typeof value === 'number' ? ' style="text-align:right"' : '';
    return indexColumn && j === 0 ? `<th>${text}</th>` : `<td${numeric}>${text}</td>`;
  };
  const parts = ['<table class="ser-table">'];
  if (options.caption) parts.push(`<caption>${escapeHtml(options.caption)}</caption>`);
  parts.push(`<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`, '<tbody>');
  for (const row of shown) parts.push(`<tr>${row.map(cell).join('')}</tr>`);
  parts.push('</tbody></table>');
  if (rows.length > shown.length) {
    parts.push(
      `<p class="ser-table-more">… ${rows.length - shown.length} more rows (${rows.length} in all)</p>`,
    );
  }
  return parts.join('\n');
}

/** The one stylesheet of the standalone pages (evaluation, stream timeline, tuning study). */
export const PAGE_STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.protocol { font-size: 17px; color: #444; margin-top: 0; }
.note { color: #666; font-size: 13px; }
.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 1em 0; }
.headline div { background: #f3f6fb; border-radius: 8px; padding: 8px 14px; }
.headline b { display: block; font-size: 20px; }
table.ser-table { border-collapse: collapse; margin: 1em 0; }
table.ser-table th, table.ser-table td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; }
table.ser-table th { background: #f6f6f6; text-align: left; }
`;

/** A self-contained HTML page with the shared stylesheet: `title` in the tab, `body` as given. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
