/**
 * An evaluation as one self-contained HTML page (plotly.js inlined, opens offline): headline metrics with
 * intervals, confusion heatmap, per-class table and figure, per-speaker breakdown, confidence histogram and,
 * when the training history is given, the learning curves. The protocol heads the page and every figure.
 */
import { escapeHtml, figureHtml, htmlPage, tableHtml } from './html';
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
  return htmlPage(`${title} — ${protocol}`, parts.join('\n'));
}
