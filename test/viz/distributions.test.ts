import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  boxFigure,
  countGridFigure,
  crossTab,
  embeddingFigure,
  groupColor,
  groupValues,
  histogramFigure,
  niceStep,
  profileFigure,
  type BoxTrace,
  type HeatmapTrace,
  type HistogramTrace,
  type ScatterTrace,
} from '../../lib/viz';

test('groupValues splits aligned values by label, in the given or sorted order', () => {
  const groups = groupValues([1, 2, 3, 4], ['sad', 'angry', 'sad', 'calm']);
  assert.deepEqual(groups, [
    { name: 'angry', values: [2] },
    { name: 'calm', values: [4] },
    { name: 'sad', values: [1, 3] },
  ]);
  // An explicit order keeps empty groups and drops unlisted labels.
  assert.deepEqual(groupValues([1, 2], ['sad', 'x'], ['sad', 'happy']), [
    { name: 'sad', values: [1] },
    { name: 'happy', values: [] },
  ]);
  assert.throws(() => groupValues([1], []), /1 values for 0 labels/);
});

test('crossTab counts pairs into a grid', () => {
  const t = crossTab(['OAF', 'OAF', 'YAF', 'OAF'], ['sad', 'angry', 'sad', 'sad'], {
    cols: ['angry', 'sad', 'calm'],
  });
  assert.deepEqual(t, {
    rows: ['OAF', 'YAF'],
    cols: ['angry', 'sad', 'calm'],
    counts: [
      [1, 2, 0],
      [0, 1, 0],
    ],
  });
});

test('niceStep rounds up to 1, 2 or 5 × 10^k', () => {
  assert.deepEqual([0.013, 0.1, 0.21, 3, 7, 1e-9, 0, NaN].map(niceStep), [0.02, 0.1, 0.5, 5, 10, 1e-9, 1, 1]);
});

test('histogramFigure overlays groups on shared bins; percent normalises per group', () => {
  const fig = histogramFigure({
    groups: [
      { name: 'tess', values: [1.2, 2.0, 2.4] },
      { name: 'ravdess', values: [3.1, 3.9] },
    ],
    title: 'durations',
    xTitle: 'duration (s)',
    normalise: 'percent',
  });
  const [a, b] = fig.data as HistogramTrace[];
  assert.deepEqual(a.xbins, b.xbins, 'same bins for every group');
  assert.equal(a.xbins?.size, 0.1);
  assert.ok((a.xbins?.start ?? 99) <= 1.2 && (a.xbins?.end ?? 0) > 3.9);
  assert.equal(a.histnorm, 'percent');
  assert.equal(fig.layout.barmode, 'overlay');
  assert.equal(fig.layout.yaxis?.title?.text, 'share of the group (%)');
  assert.notEqual(a.marker?.color, b.marker?.color);
  const counts = histogramFigure({
    groups: [{ name: 'x', values: [1, 2] }],
    title: 't',
    xTitle: 'x',
    binSize: 0.5,
  });
  assert.equal((counts.data[0] as HistogramTrace).histnorm, undefined);
  assert.equal((counts.data[0] as HistogramTrace).xbins?.size, 0.5);
  assert.equal(counts.layout.yaxis?.title?.text, 'clips');
  assert.throws(() => histogramFigure({ groups: [], title: 't', xTitle: 'x' }), /no groups/);
});

test('boxFigure: one box per group with the mean drawn, colours in group order', () => {
  const fig = boxFigure({
    groups: [
      { name: 'angry', values: [0.1, 0.3] },
      { name: 'sad', values: [0.01] },
    ],
    title: 'RMS',
    yTitle: 'RMS (full scale)',
  });
  const boxes = fig.data as BoxTrace[];
  assert.deepEqual(
    boxes.map((b) => [b.name, b.y, b.boxmean, b.marker?.color]),
    [
      ['angry', [0.1, 0.3], true, groupColor(0)],
      ['sad', [0.01], true, groupColor(1)],
    ],
  );
  assert.equal(fig.layout.yaxis?.title?.text, 'RMS (full scale)');
});

test('countGridFigure: counts as a heatmap with text, first row on top; shape checked', () => {
  const fig = countGridFigure({
    rows: ['OAF', 'YAF'],
    cols: ['angry', 'sad'],
    counts: [
      [200, 200],
      [200, 0],
    ],
    title: 'clips',
    xTitle: 'emotion',
    yTitle: 'speaker',
  });
  const h = fig.data[0] as HeatmapTrace;
  assert.deepEqual(h.text, [
    ['200', '200'],
    ['200', '0'],
  ]);
  assert.equal(fig.layout.yaxis?.autorange, 'reversed');
  assert.throws(
    () => countGridFigure({ rows: ['a'], cols: ['b'], counts: [[1, 2]], title: '', xTitle: '', yTitle: '' }),
    /1×1/,
  );
});

test('profileFigure: categorical x drawn at 0..n-1 and labelled; spread as a filled band', () => {
  const fig = profileFigure({
    x: ['C', 'C#', 'D'],
    series: [{ name: 'sad', values: [1, 2, 3], spread: [0.5, 0.5, 1] }],
    title: 'chroma',
    xTitle: 'pitch class',
    yTitle: 'mean',
  });
  const [lower, upper, line] = fig.data as ScatterTrace[];
  assert.deepEqual(lower.y, [0.5, 1.5, 2]);
  assert.deepEqual(upper.y, [1.5, 2.5, 4]);
  assert.equal(upper.fill, 'tonexty');
  assert.equal(lower.showlegend, false);
  assert.deepEqual(line.x, [0, 1, 2]);
  assert.equal(line.mode, 'lines+markers');
  assert.deepEqual(fig.layout.xaxis?.ticktext, ['C', 'C#', 'D']);
  const log = profileFigure({
    x: [100, 1000],
    xType: 'log',
    series: [{ name: 'a', values: [1, 2] }],
    title: '',
    xTitle: 'Hz',
    yTitle: 'dB',
  });
  assert.equal(log.layout.xaxis?.type, 'log');
  assert.throws(
    () =>
      profileFigure({ x: [1, 2], series: [{ name: 'a', values: [1] }], title: '', xTitle: '', yTitle: '' }),
    /1 values for 2 x/,
  );
});

test('embeddingFigure: one trace per group with its points and hover text', () => {
  const fig = embeddingFigure({
    points: [
      [0, 1],
      [2, 3],
      [4, 5],
    ],
    labels: ['sad', 'angry', 'sad'],
    hover: ['a.wav', 'b.wav', 'c.wav'],
    title: 'PCA',
    xTitle: 'PC1',
    yTitle: 'PC2',
  });
  const traces = fig.data as ScatterTrace[];
  assert.deepEqual(
    traces.map((t) => [t.name, t.x, t.y, t.text]),
    [
      ['angry', [2], [3], ['b.wav']],
      ['sad', [0, 4], [1, 5], ['a.wav', 'c.wav']],
    ],
  );
  assert.ok(traces.every((t) => t.mode === 'markers'));
  assert.throws(
    () => embeddingFigure({ points: [[0, 0]], labels: [], title: '', xTitle: '', yTitle: '' }),
    /1 points for 0 labels/,
  );
});
