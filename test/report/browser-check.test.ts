import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkReports } from '../../lib/report/browser-check';
import { figureHtml } from '../../lib/viz/html';
import { audioClipHtml } from '../../lib/notebook/audio';
import { barFigure } from '../../lib/viz';

const page = (body: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`;

test('checkReports passes a good page and names every problem of a bad one, with screenshots', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-check-'));
  const fig = barFigure({ categories: ['a', 'b'], series: [{ name: 's', values: [1, 2] }], title: 'counts' });
  // Parallel coordinates hold their data in `dimensions`, not x/y/z.
  const parcoords = {
    data: [
      {
        type: 'parcoords' as const,
        dimensions: [
          { label: 'a', values: [1, 2] },
          { label: 'b', values: [3, 4] },
        ],
        line: { color: [1, 2] },
      },
    ],
    layout: { title: { text: 'trials' } },
  };
  const tone = new Float32Array(16000).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000));
  fs.writeFileSync(
    path.join(dir, '01-good.html'),
    page(
      figureHtml(fig, { includeBundle: true }) +
        figureHtml(parcoords, { includeBundle: false }) +
        audioClipHtml(tone, 16000, { caption: 'tone' }),
    ),
  );
  const emptyFig = { data: [{ type: 'bar' as const, x: [], y: [] }], layout: { title: { text: 'empty' } } };
  fs.writeFileSync(
    path.join(dir, '02-bad.html'),
    page(
      figureHtml(fig, { includeBundle: false }) + // no bundle on the page: never rendered
        '<audio controls></audio><script>console.error("boom")</script>' +
        '<div id="ser-failure">failed</div>',
    ),
  );
  fs.writeFileSync(
    path.join(dir, '03-empty.html'),
    page(figureHtml(emptyFig as never, { includeBundle: true })),
  );
  const shots = path.join(dir, 'shots');
  const [good, bad, empty] = await checkReports(dir, shots);
  assert.equal(good.ok, true, good.problems.join('; '));
  assert.equal(good.figures, 2);
  assert.equal(good.audioPlayers, 1);
  assert.ok(fs.statSync(good.screenshot!).size > 1000);
  assert.equal(bad.ok, false);
  const said = bad.problems.join('; ');
  for (const expected of ['console error', 'not rendered', 'without a source', 'failure'])
    assert.match(said, new RegExp(expected));
  assert.equal(empty.ok, false);
  assert.match(empty.problems.join('; '), /without data/);
  fs.rmSync(dir, { recursive: true, force: true });
});
