import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  barFigure,
  confusionMatrixFigure,
  formatPercent,
  trainingCurvesFigure,
  learningRateDrops,
  type HeatmapTrace,
  type ScatterTrace,
} from '../../lib/viz';
import { rowNormalise } from '../../lib/metrics';

const labels = ['angry', 'happy', 'sad'];
// Rows: true class; columns: predicted. Row sums 10, 10, 0 (a class with no test clips).
const confusion = [
  [8, 1, 1],
  [2, 5, 3],
  [0, 0, 0],
];

test('formatPercent rounds to one decimal with a spaced sign', () => {
  assert.equal(formatPercent(0.6129), '61.3 %');
  assert.equal(formatPercent(1), '100.0 %');
  assert.equal(formatPercent(0), '0.0 %');
});

test('rowNormalise makes non-empty rows sum to 1 and keeps empty rows at 0', () => {
  const shares = rowNormalise(confusion);
  assert.ok(Math.abs(shares[0].reduce((a, b) => a + b) - 1) < 1e-12);
  assert.ok(Math.abs(shares[1].reduce((a, b) => a + b) - 1) < 1e-12);
  assert.deepEqual(shares[2], [0, 0, 0]);
  assert.equal(shares[1][2], 0.3);
});

test('confusionMatrixFigure: heatmap of row shares, counts and percentages as text, protocol in the title', () => {
  const fig = confusionMatrixFigure({
    labels,
    confusion,
    protocol: 'speaker-independent (train OAF → test YAF)',
  });
  assert.equal(fig.data.length, 1);
  const heatmap = fig.data[0] as HeatmapTrace;
  assert.equal(heatmap.type, 'heatmap');
  assert.deepEqual(heatmap.x, labels);
  assert.deepEqual(heatmap.y, labels);
  assert.deepEqual(heatmap.z, rowNormalise(confusion));
  assert.equal(heatmap.zmax, 1);
  assert.equal(heatmap.text?.[0][0], '8<br>(80.0 %)');
  assert.equal(heatmap.text?.[1][2], '3<br>(30.0 %)');
  assert.equal(heatmap.text?.[2][1], '0', 'empty cells carry no percentage');
  assert.equal(heatmap.texttemplate, '%{text}');
  assert.equal(
    fig.layout.title?.text,
    'Confusion matrix — speaker-independent (train OAF → test YAF), accuracy 65.0 %',
  );
  // First label on top, like a printed matrix.
  assert.equal(fig.layout.yaxis?.autorange, 'reversed');
  // The input is not aliased into the spec.
  (heatmap.z[0] as number[])[0] = 99;
  assert.equal(confusion[0][0], 8);
});

test('confusionMatrixFigure: raw counts when normalise is false; custom title wins', () => {
  const fig = confusionMatrixFigure({ labels, confusion, normalise: false, title: 'Mine' });
  const heatmap = fig.data[0] as HeatmapTrace;
  assert.deepEqual(heatmap.z, confusion);
  assert.equal(heatmap.zmax, 8);
  assert.equal(fig.layout.title?.text, 'Mine');
  assert.equal(
    confusionMatrixFigure({
      labels: ['a', 'b'],
      confusion: [
        [1, 0],
        [0, 1],
      ],
    }).layout.title?.text,
    'Confusion matrix, accuracy 100.0 %',
  );
});

test('confusionMatrixFigure rejects a matrix that does not match the labels', () => {
  assert.throws(
    () =>
      confusionMatrixFigure({
        labels,
        confusion: [
          [1, 2],
          [3, 4],
        ],
      }),
    /3×3/,
  );
  assert.throws(() => confusionMatrixFigure({ labels: ['a'], confusion: [[-1]] }), /non-negative/);
  assert.throws(() => confusionMatrixFigure({ labels: [], confusion: [] }), /no labels/);
});

test('trainingCurvesFigure: loss and accuracy subplots, validation dashed when present', () => {
  const history = [
    { epoch: 1, loss: 1.2, accuracy: 0.4, valLoss: 1.3, valAccuracy: 0.35 },
    { epoch: 2, loss: 0.8, accuracy: 0.6, valLoss: 1.0, valAccuracy: 0.5 },
    { epoch: 3, loss: 0.5, accuracy: 0.8 }, // validation skipped this epoch
  ];
  const fig = trainingCurvesFigure(history);
  const traces = fig.data as ScatterTrace[];
  assert.equal(traces.length, 4);
  const find = (name: string, axis: string | undefined): ScatterTrace => {
    const t = traces.find((tr) => tr.name === name && tr.yaxis === axis);
    assert.ok(t, `${name} on ${axis ?? 'y'}`);
    return t;
  };
  assert.deepEqual(find('train', undefined).y, [1.2, 0.8, 0.5]);
  assert.deepEqual(find('train', 'y2').y, [0.4, 0.6, 0.8]);
  assert.deepEqual(find('validation', undefined).x, [1, 2]);
  assert.deepEqual(find('validation', 'y2').y, [0.35, 0.5]);
  assert.equal(find('validation', undefined).line?.dash, 'dash');
  assert.equal(find('train', 'y2').xaxis, 'x2');
  // One legend entry per split.
  assert.equal(traces.filter((t) => t.showlegend).length, 2);
  assert.deepEqual(fig.layout.yaxis2?.range, [0, 1]);
  assert.equal(fig.layout.title?.text, 'Training curves (3 epochs)');
});

test('trainingCurvesFigure: training only, and empty history is an error', () => {
  const fig = trainingCurvesFigure([{ epoch: 1, loss: 1, accuracy: 0.5 }], { title: 'T' });
  assert.equal(fig.data.length, 2);
  assert.equal(fig.layout.title?.text, 'T');
  assert.throws(() => trainingCurvesFigure([]), /empty/);
});

test('barFigure: one series or several, labelled with their values', () => {
  const single = barFigure({ categories: ['angry', 'sad'], values: [3, 4], title: 'Clips' });
  assert.equal(single.data.length, 1);
  assert.deepEqual(single.data[0].x, ['angry', 'sad']);
  assert.deepEqual(single.data[0].y, [3, 4]);
  assert.deepEqual(single.data[0].type === 'bar' && single.data[0].text, ['3', '4']);
  assert.equal(single.layout.showlegend, false);
  assert.equal(single.layout.title?.text, 'Clips');

  const grouped = barFigure({
    categories: ['angry', 'sad'],
    series: [
      { name: 'OAF', values: [1, 2] },
      { name: 'YAF', values: [3, 4] },
    ],
    stacked: true,
  });
  assert.deepEqual(
    grouped.data.map((t) => (t.type === 'bar' ? t.name : undefined)),
    ['OAF', 'YAF'],
  );
  assert.equal(grouped.layout.barmode, 'stack');
  assert.equal(grouped.layout.showlegend, true);
});

test('barFigure rejects mismatched or ambiguous input', () => {
  assert.throws(() => barFigure({ categories: ['a', 'b'], values: [1] }), /1 values for 2 categories/);
  assert.throws(() => barFigure({ categories: ['a'] }), /exactly one/);
  assert.throws(
    () => barFigure({ categories: ['a'], values: [1], series: [{ name: 's', values: [1] }] }),
    /exactly one/,
  );
});

test('trainingCurvesFigure: learning-rate drops, early stop and the kept epoch marked on both panels', () => {
  const history = [1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4].map((lr, i) => ({
    epoch: i + 1,
    loss: 1 / (i + 1),
    accuracy: 0.1 * i,
    valLoss: 1,
    valAccuracy: 0.2,
    lr,
  }));
  assert.deepEqual(learningRateDrops(history), [
    { epoch: 3, lr: 5e-4 },
    { epoch: 5, lr: 2.5e-4 },
  ]);
  const fig = trainingCurvesFigure(history, { stoppedEarly: true, bestEpoch: 2 });
  const shapes = fig.layout.shapes ?? [];
  // Four marks (two LR drops, early stop, best epoch), each a line on the loss and the accuracy panel.
  assert.equal(shapes.length, 8);
  assert.deepEqual(
    shapes.filter((s) => s.xref === 'x').map((s) => s.x0),
    [2.5, 4.5, 5, 2],
  );
  assert.deepEqual(
    (fig.layout.annotations ?? []).map((a) => a.text),
    ['LR → 0.0005', 'LR → 0.00025', 'early stop', 'best (kept)'],
  );
  // Without callbacks acting, no marks.
  assert.equal(trainingCurvesFigure(history.map((h) => ({ ...h, lr: 1e-3 }))).layout.shapes, undefined);
});
