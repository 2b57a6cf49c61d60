/** The reports index page: one row per report with its status, run time and headline metrics. */
import { escapeHtml, formatCell } from '../viz/html';
import type { ReportMetrics } from '../notebook';

/** The last run of one notebook, as stored in `.meta/NN-name.run.json`. */
export interface ReportRecord {
  name: string;
  /** Notebook path relative to the project root. */
  notebook: string;
  status: 'ok' | 'failed';
  seconds: number;
  /** ISO time the run finished. */
  finishedAt: string;
  quick: boolean;
  error?: string;
  /** Metrics the notebook recorded, by group name (filled in when the index is built). */
  metrics?: Record<string, ReportMetrics>;
}

function metricsHtml(metrics: Record<string, ReportMetrics> | undefined): string {
  const groups = Object.entries(metrics ?? {});
  if (groups.length === 0) return '<span class="none">—</span>';
  return groups
    .map(([group, values]) => {
      const items = Object.entries(values)
        .map(([key, value]) => `${escapeHtml(key)} <b>${escapeHtml(formatCell(value))}</b>`)
        .join(', ');
      return `<div class="metrics"><span class="group">${escapeHtml(group)}</span>: ${items}</div>`;
    })
    .join('');
}

function rowHtml(r: ReportRecord): string {
  const href = encodeURIComponent(`${r.name}.html`);
  const when = r.finishedAt.replace('T', ' ').slice(0, 16);
  const error = r.error ? `<div class="error">${escapeHtml(r.error.split('\n')[0].slice(0, 300))}</div>` : '';
  return (
    `<tr class="${r.status}" data-report="${escapeHtml(r.name)}">` +
    `<td><a href="${href}">${escapeHtml(r.name)}</a></td>` +
    `<td><span class="status ${r.status}">${r.status === 'ok' ? 'ok' : 'failed'}</span>${error}</td>` +
    `<td class="num">${r.seconds.toFixed(1)} s</td>` +
    `<td>${escapeHtml(when)} UTC${r.quick ? ' <span class="quick">quick</span>' : ''}</td>` +
    `<td>${metricsHtml(r.metrics)}</td></tr>`
  );
}

/** The complete, self-contained index page. */
export function renderIndexPage(records: ReportRecord[]): string {
  const failed = records.filter((r) => r.status === 'failed').length;
  const summary =
    records.length === 0
      ? 'No reports yet: run <code>npm run report</code>.'
      : `${records.length} report${records.length === 1 ? '' : 's'}, ` +
        (failed === 0 ? 'all ok.' : `<b class="failed">${failed} failed</b>.`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ser reports</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid #e3e3e3; }
th { background: #f6f6f6; }
td.num { text-align: right; white-space: nowrap; }
a { color: #1565c0; }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 13px; }
.status.ok { background: #e3f4e5; color: #1b5e20; }
.status.failed { background: #fdecea; color: #8a1c12; }
b.failed { color: #8a1c12; }
.error { font-family: monospace; font-size: 12px; color: #8a1c12; margin-top: 4px; }
.quick { font-size: 12px; background: #fff4d6; padding: 0 6px; border-radius: 8px; }
.group { color: #666; }
.none { color: #aaa; }
</style>
</head>
<body>
<h1>ser reports</h1>
<p id="summary">${summary}</p>
<table>
<thead><tr><th>Report</th><th>Status</th><th>Run time</th><th>Finished</th><th>Headline metrics</th></tr></thead>
<tbody>
${records.map(rowHtml).join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
