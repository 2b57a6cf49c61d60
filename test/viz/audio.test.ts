import { test } from 'node:test';
import assert from 'node:assert/strict';
import { melFrequencies, melspectrogram, powerToDb, mfcc } from '../../lib/features';
import { spectrogram } from '../../lib/dsp';
import {
  clipFigure,
  featurePanel,
  melAxisTicks,
  melPanel,
  spectrogramDbPanel,
  stackedFigure,
  waveformFigure,
  waveformTrace,
  type HeatmapTrace,
  type ScatterTrace,
} from '../../lib/viz';

const SR = 22050;

/** A sine of `hz` at `amplitude`, `seconds` long. */
function sine(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * SR) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / SR),
  );
}

/** Index of the largest value of a heatmap's z, as [row, col]. */
function argmax(z: number[][]): [number, number] {
  let best: [number, number] = [0, 0];
  z.forEach((row, r) => row.forEach((v, c) => v > z[best[0]][best[1]] && (best = [r, c])));
  return best;
}

test('waveformTrace: every sample for short signals, a min/max envelope for long ones', () => {
  const short = Float32Array.from([0, 0.5, -0.25, 1]);
  const t = waveformTrace(short, 4);
  assert.deepEqual(t.x, [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(t.y, [0, 0.5, -0.25, 1]);

  const long = sine(100, 1);
  const env = waveformTrace(long, SR, 1000);
  assert.ok(env.x.length <= 1000 && env.x.length >= 900, `${env.x.length} points`);
  // Pairs share a time and hold the block's min then max; the sine's extremes survive.
  assert.equal(env.x[0], env.x[1]);
  assert.ok(env.y[0] <= env.y[1]);
  assert.ok(Math.max(...env.y) > 0.49 && Math.min(...env.y) < -0.49);
  assert.ok(env.x.at(-1)! < 1 && env.x.at(-1)! > 0.95, 'time in seconds');

  const fig = waveformFigure(long, SR);
  assert.deepEqual(fig.layout.yaxis?.range, [-1, 1]);
  assert.equal(fig.layout.xaxis?.title?.text, 'time (s)');
  assert.match(fig.layout.title?.text ?? '', /22050 Hz, 1\.00 s/);
});

test('spectrogramDbPanel: a 1 kHz tone peaks at 1 kHz, 0 dB at the peak, floored at -topDb', () => {
  const S = spectrogram(sine(1000, 0.5), { nFft: 2048, hopLength: 512, power: 2 });
  const panel = spectrogramDbPanel(S, { sampleRate: SR, hopLength: 512, maxBins: 256, topDb: 60 });
  const h = panel.traces[0] as HeatmapTrace;
  const [row] = argmax(h.z);
  const freqs = h.y as number[];
  assert.ok(Math.abs(freqs[row] - 1000) < 2 * (SR / 2048) * 2, `peak at ${freqs[row]} Hz`);
  assert.equal(Math.max(...h.z.flat()), 0);
  assert.equal(Math.min(...h.z.flat()), -60);
  assert.ok(freqs.every((f, i) => i === 0 || f > freqs[i - 1]) && freqs.at(-1)! <= SR / 2);
  assert.equal(h.z.length, Math.ceil(S.bins / Math.ceil(S.bins / 256)));
  // Frame times in seconds: frame t at t × hop / sr.
  assert.equal((h.x as number[])[1], Number((512 / SR).toFixed(4)));
  assert.equal(panel.yaxis.title?.text, 'frequency (Hz)');
  // A magnitude spectrogram gives the same dB picture as the power one.
  const magnitude = spectrogramDbPanel(
    spectrogram(sine(1000, 0.5), { nFft: 2048, hopLength: 512, power: 1 }),
    {
      sampleRate: SR,
      hopLength: 512,
      maxBins: 256,
      topDb: 60,
    },
  );
  const m = (magnitude.traces[0] as HeatmapTrace).z;
  h.z.forEach((r, i) =>
    r.forEach((v, j) => assert.ok(Math.abs(v - m[i][j]) <= 0.11, `cell ${i},${j}: ${v} vs ${m[i][j]}`)),
  );
});

test('melAxisTicks places round frequencies at their fractional band index', () => {
  const nMels = 128;
  const centres = Array.from(melFrequencies(nMels + 2, 0, SR / 2)).slice(1, nMels + 1);
  const { tickvals, ticktext } = melAxisTicks(nMels, 0, SR / 2);
  assert.deepEqual(ticktext, ['250', '500', '1k', '2k', '4k', '8k']);
  tickvals.forEach((v, i) => {
    const hz = [250, 500, 1000, 2000, 4000, 8000][i];
    const b = Math.floor(v);
    const interpolated = centres[b] + (v - b) * (centres[b + 1] - centres[b]);
    assert.ok(Math.abs(interpolated - hz) < 1, `${hz} Hz at band ${v} (${interpolated} Hz)`);
  });
});

test('melPanel: the loudest band of a 2 kHz tone is labelled near 2 kHz', () => {
  const mel = powerToDb(melspectrogram(sine(2000, 0.5), { sr: SR }), { ref: 'max' });
  const panel = melPanel(mel, { sampleRate: SR, hopLength: 512 });
  const h = panel.traces[0] as HeatmapTrace;
  const [band] = argmax(h.z);
  const centres = Array.from(melFrequencies(130, 0, SR / 2)).slice(1, 129);
  assert.ok(Math.abs(centres[band] - 2000) < 60, `band ${band} at ${centres[band]} Hz`);
  assert.equal(panel.yaxis.title?.text, 'frequency (Hz, mel scale)');
  assert.ok(panel.yaxis.ticktext?.includes('2k'));
  assert.equal(h.z.length, 128);
});

test('featurePanel: diverging scales are symmetric about 0; labels must match the rows', () => {
  const m = mfcc(sine(300, 0.5), { sr: SR, nMfcc: 13 });
  const panel = featurePanel(m, {
    sampleRate: SR,
    hopLength: 512,
    rowTitle: 'MFCC',
    zTitle: 'dB',
    diverging: true,
  });
  const h = panel.traces[0] as HeatmapTrace;
  assert.equal(h.zmin, -(h.zmax as number));
  // ± the 98th percentile of |value|: MFCC 0 (one row in 13, far larger) saturates, the rest stays readable.
  const magnitudes = h.z.flat().map(Math.abs);
  const beyond = magnitudes.filter((v) => v > (h.zmax as number)).length;
  assert.ok(
    beyond > 0 && beyond <= 0.021 * magnitudes.length,
    `${beyond} of ${magnitudes.length} cells saturate`,
  );
  assert.ok((h.zmax as number) < Math.max(...h.z[0].map(Math.abs)), 'row 0 exceeds the scale');
  assert.deepEqual(
    h.y,
    Array.from({ length: 13 }, (_, i) => i),
  );
  assert.throws(
    () =>
      featurePanel(m, { sampleRate: SR, hopLength: 512, rowTitle: 'MFCC', zTitle: 'dB', rowLabels: ['a'] }),
    /1 row labels for 13 rows/,
  );
  // Columns beyond maxFrames are averaged in blocks.
  const pooled = featurePanel(m, {
    sampleRate: SR,
    hopLength: 512,
    rowTitle: 'MFCC',
    zTitle: 'dB',
    maxFrames: 10,
  });
  assert.ok((pooled.traces[0] as HeatmapTrace).z[0].length <= 10);
});

test('stackedFigure: panels stacked top to bottom on one matched time axis', () => {
  const S = spectrogram(sine(500, 0.3), { power: 2 });
  const fig = stackedFigure(
    [
      { traces: [waveformTrace(sine(500, 0.3), SR)], yaxis: { title: { text: 'amplitude' } }, weight: 0.5 },
      spectrogramDbPanel(S, { sampleRate: SR, hopLength: 512 }),
    ],
    { title: 'two panels' },
  );
  const [wave, heat] = fig.data as [ScatterTrace, HeatmapTrace];
  assert.equal(wave.xaxis, 'x');
  assert.equal(heat.yaxis, 'y2');
  const top = fig.layout.yaxis?.domain as [number, number];
  const bottom = fig.layout.yaxis2?.domain as [number, number];
  assert.equal(top[1], 1);
  assert.equal(bottom[0], 0);
  assert.ok(bottom[1] < top[0], 'no overlap');
  assert.ok(Math.abs((top[1] - top[0]) * 2 - (bottom[1] - bottom[0])) < 1e-5, 'heights follow the weights');
  assert.equal(fig.layout.xaxis2?.matches, 'x');
  assert.equal(fig.layout.xaxis?.showticklabels, false);
  assert.equal(fig.layout.xaxis2?.title?.text, 'time (s)');
  assert.equal(heat.colorbar?.y, (bottom[0] + bottom[1]) / 2);
  assert.throws(() => stackedFigure([]), /no panels/);
  assert.throws(() => stackedFigure([{ traces: [{ type: 'histogram', x: [1] }], yaxis: {} }]), /histogram/);
});

test('clipFigure: waveform, spectrogram and log-mel of one clip, small enough for a report', () => {
  const fig = clipFigure(sine(440, 4, 0.3), SR, { title: 'a tone' });
  assert.deepEqual(
    fig.data.map((t) => t.type),
    ['scatter', 'heatmap', 'heatmap'],
  );
  assert.equal(fig.layout.title?.text, 'a tone');
  assert.deepEqual(
    [fig.layout.yaxis?.title?.text, fig.layout.yaxis2?.title?.text, fig.layout.yaxis3?.title?.text],
    ['amplitude', 'frequency (Hz)', 'frequency (Hz, mel scale)'],
  );
  const bytes = JSON.stringify(fig).length;
  assert.ok(bytes < 200_000, `${bytes} bytes`);
});
