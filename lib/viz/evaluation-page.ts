/**
 * An evaluation as one self-contained HTML page (plotly.js inlined, opens offline): headline metrics with
 * intervals, confusion heatmap, per-class table and figure, per-speaker breakdown, confidence histogram and,
 * when the training history is given, the learning curves. The protocol heads the page and every figure.
 */
import { escapeHtml, figureHtml, tableHtml } from './html';
import type { EpochRecord } from '../metrics/history';
import { confusionMatrixFigure, trainingCurvesFigure } from './figures';
import { breakdownFigure, confidenceHistogramFigure, perClassFigure } from './evaluation';
import type { PlotlyFigure } from './plotly';
import {
  METRIC_LABELS,
  METRIC_NAMES,
  formatWithInterval,
  type EvaluationReport,
} from '../evaluate/evaluation-report';

export interface EvaluationHtmlOptions {
  /** Training history of the model, drawn as learning curves. Default: none. */
  history?: EpochRecord[];
  /** Page title. Default "Evaluation of MODEL". */
  title?: string;
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.protocol { font-size: 17px; color: #444; margin-top: 0; }
.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 1em 0; }
.headline div { background: #f3f6fb; border-radius: 8px; padding: 8px 14px; }
.headline b { display: block; font-size: 20px; }
.note { color: #666; font-size: 13px; }
table.ser-table { border-collapse: collapse; margin: 1em 0; }
table.ser-table th, table.ser-table td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; }
table.ser-table th { background: #f6f6f6; text-align: left; }
`;

/** The page for `ser evaluate --html FILE`. */
export function renderEvaluationHtml(report: EvaluationReport, options: EvaluationHtmlOptions = {}): string {
  const protocol = report.protocol.description;
  const title = options.title ?? `Evaluation${report.model ? ` of ${report.model}` : ''}`;
  const parts: string[] = [];
  let figures = 0;
  // The plotly.js bundle goes in once, with the first figure.
  const figure = (fig: PlotlyFigure) => {
    figures++;
    parts.push(figureHtml(fig, { includeBundle: figures === 1, id: `ser-fig-${figures}` }));
  };
  const ci = report.intervals.accuracy;
  parts.push(
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="protocol">${escapeHtml(protocol)} · ${report.n} clips</p>`,
    '<div class="headline">' +
      METRIC_NAMES.map(
        (m) =>
          `<div>${escapeHtml(METRIC_LABELS[m])}<b>${escapeHtml(formatWithInterval(report.metrics[m], report.intervals[m]))}</b></div>`,
      ).join('') +
      '</div>',
    `<p class="note">Intervals: ${Math.round(100 * ci.confidence)} % ${ci.method} bootstrap over ` +
      `${ci.method === 'percentile' ? 'clips' : 'speakers'}, ${ci.nResamples} resamples, seed ${ci.seed}.</p>`,
    '<h2>Confusion matrix</h2>',
  );
  figure(confusionMatrixFigure({ labels: report.labels, confusion: report.confusion.counts, protocol }));
  parts.push('<h2>Per class</h2>');
  const row = (name: string, s: { precision: number; recall: number; f1: number; support: number }) => ({
    class: name,
    precision: s.precision,
    recall: s.recall,
    'f1-score': s.f1,
    support: s.support,
  });
  parts.push(
    tableHtml(
      [
        ...report.labels.map((l) => row(l, report.report.perClass[l])),
        { class: 'accuracy', 'f1-score': report.report.accuracy, support: report.n },
        row('macro avg', report.report.macroAvg),
        row('weighted avg', report.report.weightedAvg),
      ],
      { maxRows: report.labels.length + 3, caption: `Classification report — ${protocol}` },
    ),
  );
  figure(perClassFigure(report));
  const speakers = report.breakdowns.speaker ?? [];
  if (speakers.length > 0) {
    parts.push('<h2>Per speaker</h2>');
    figure(breakdownFigure(report, 'speaker'));
    parts.push(
      tableHtml(
        speakers.map((g) => ({
          speaker: g.group,
          clips: g.n,
          accuracy: g.accuracy,
          UAR: g.uar,
          'macro F1': g.macroF1,
        })),
        { maxRows: 200, caption: `Per speaker — ${protocol}` },
      ),
    );
  }
  if ((report.breakdowns.corpus ?? []).length > 1) figure(breakdownFigure(report, 'corpus'));
  if ((report.breakdowns.gender ?? []).length > 1) figure(breakdownFigure(report, 'gender'));
  if (report.predictions?.some((p) => p.confidence !== undefined)) {
    parts.push('<h2>Confidence</h2>');
    figure(confidenceHistogramFigure(report));
  }
  if (options.history && options.history.length > 0) {
    parts.push('<h2>Learning curves</h2>');
    figure(
      trainingCurvesFigure(options.history, {
        title: `Training curves (${options.history.length} epochs) — model evaluated ${protocol}`,
      }),
    );
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title} — ${protocol}`)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
