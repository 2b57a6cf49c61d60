import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareEvaluations } from '../../lib/evaluate/compare';
import { formatPValue } from '../../lib/evaluate/mcnemar';
import {
  breakdownFigure,
  comparisonFigure,
  confidenceHistogram,
  confidenceHistogramFigure,
  perClassFigure,
  protocolComparisonFigure,
} from '../../lib/viz/evaluation';
import type { BarTrace } from '../../lib/viz/plotly';
import { LABELS, simulatedReport } from '../evaluate/fixtures';

const PROTOCOL_TEXT = 'speaker-independent (tess: train OAF → test YAF)';
const bars = (fig: { data: unknown[] }) => fig.data as BarTrace[];

test('perClassFigure: precision, recall and F1 bars per class from the report, titled with the protocol', () => {
  const report = simulatedReport(0.7);
  const fig = perClassFigure(report);
  assert.ok(fig.layout.title?.text.includes(PROTOCOL_TEXT));
  assert.deepEqual(
    bars(fig).map((t) => t.name),
    ['precision', 'recall', 'F1'],
  );
  const [precision, recall, f1] = bars(fig);
  LABELS.forEach((label, i) => {
    const s = report.report.perClass[label];
    assert.equal(precision.x[i], `${label} (${s.support})`);
    assert.equal(precision.y[i], s.precision);
    assert.equal(recall.y[i], s.recall);
    assert.equal(f1.y[i], s.f1);
  });
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});

test('breakdownFigure: one bar group per speaker with its clip count; refuses a missing breakdown', () => {
  const report = simulatedReport(0.7);
  const fig = breakdownFigure(report);
  assert.ok(fig.layout.title?.text.startsWith('Per-speaker'));
  assert.ok(fig.layout.title?.text.includes(PROTOCOL_TEXT));
  const speakers = report.breakdowns.speaker ?? [];
  assert.deepEqual(
    bars(fig)[0].x,
    speakers.map((g) => `${g.group} (${g.n})`),
  );
  assert.deepEqual(
    bars(fig)[1].y,
    speakers.map((g) => g.uar),
  );
  assert.throws(() => breakdownFigure({ ...report, breakdowns: {} }), /no per-speaker breakdown/);
});

test('comparisonFigure: both models per metric, intervals on the bars, McNemar p and protocol in the title', () => {
  const c = compareEvaluations(
    simulatedReport(0.8, { modelSeed: 3, model: 'mlp' }),
    simulatedReport(0.5, { model: 'svm' }),
  );
  const fig = comparisonFigure(c);
  const title = fig.layout.title?.text ?? '';
  assert.ok(title.startsWith(`mlp vs svm — ${PROTOCOL_TEXT}`), title);
  assert.ok(title.includes(`McNemar p = ${formatPValue(c.mcnemar.pValue)}`));
  assert.deepEqual(
    bars(fig).map((t) => t.name),
    ['mlp', 'svm'],
  );
  assert.deepEqual(bars(fig)[0].x, ['accuracy', 'UAR', 'macro F1', 'weighted F1']);
  assert.equal(bars(fig)[1].y[0], c.models[1].metrics.accuracy);
  const ci = c.models[0].intervals.accuracy;
  assert.ok(
    bars(fig)[0].text?.[0].includes(`[${(100 * ci.lower).toFixed(1)} %, ${(100 * ci.upper).toFixed(1)} %]`),
  );
});

test('confidenceHistogram: every prediction in one bin, right and wrong apart; figure titled with the protocol', () => {
  const report = simulatedReport(0.7, { n: 200 });
  const h = confidenceHistogram(report, 5);
  assert.deepEqual(h.edges, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const preds = report.predictions ?? [];
  const rightCount = preds.filter((p) => p.predicted === p.trueLabel).length;
  assert.equal(
    h.correct.reduce((a, b) => a + b, 0),
    rightCount,
  );
  assert.equal(
    h.wrong.reduce((a, b) => a + b, 0),
    preds.length - rightCount,
  );
  // Confidences are at least 0.3 by construction: nothing in the first bin.
  assert.equal(h.correct[0] + h.wrong[0], 0);
  const edge = { ...report, predictions: [{ id: 'x', trueLabel: 'sad', predicted: 'sad', confidence: 1 }] };
  assert.deepEqual(confidenceHistogram(edge, 4).correct, [0, 0, 0, 1], 'confidence 1 falls in the last bin');
  const fig = confidenceHistogramFigure(report);
  assert.ok(fig.layout.title?.text.includes(PROTOCOL_TEXT));
  assert.deepEqual(
    bars(fig).map((t) => t.name),
    ['correct', 'wrong'],
  );
  assert.equal(bars(fig)[0].x[9], '0.90–1.00');
  assert.throws(
    () => confidenceHistogram({ ...report, predictions: undefined }),
    /no prediction confidences/,
  );
});

test('protocolComparisonFigure: one bar series per protocol, bootstrap intervals as asymmetric error bars', () => {
  const random = simulatedReport(0.9, { model: 'best' });
  const speaker = simulatedReport(0.6, { model: 'best', modelSeed: 5 });
  const fig = protocolComparisonFigure([
    { name: 'random split', report: random },
    { name: 'speaker-independent', report: speaker },
  ]);
  assert.deepEqual(
    bars(fig).map((t) => t.name),
    [`random split (${random.n} clips)`, `speaker-independent (${speaker.n} clips)`],
  );
  const [r] = bars(fig);
  assert.deepEqual(r.x, ['accuracy', 'UAR', 'macro F1', 'weighted F1']);
  assert.equal(r.y[1], random.metrics.uar);
  const ci = random.intervals.accuracy;
  const err = r.error_y as { array: number[]; arrayminus: number[] };
  assert.ok(Math.abs(r.y[0] + err.array[0] - ci.upper) < 1e-12);
  assert.ok(Math.abs(r.y[0] - err.arrayminus[0] - ci.lower) < 1e-12);
  assert.ok(fig.layout.title?.text.includes('95 % bootstrap'));
  assert.throws(() => protocolComparisonFigure([]), /no evaluations/);
  const custom = confidenceHistogramFigure(random, { title: 'T', xTitle: 'share of duels won' });
  assert.equal(custom.layout.title?.text, 'T');
  assert.equal(custom.layout.xaxis?.title?.text, 'share of duels won');
});
