/**
 * End to end: two tiny notebooks (one fine, one failing) run through runReports with the real tslab
 * kernel and nbclient, then the HTML is loaded in headless Chromium. Leaves a screenshot in
 * test-artifacts/report-test.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../lib/report/browser-check';
import { runReports, type ReportProgress, type RunReportsResult } from '../../lib/report';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const lib = path.join(root, 'dist', 'lib');

function notebook(cells: { type: 'markdown' | 'code'; source: string }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: cells.map((c, i) => ({
      id: `cell-${i}`,
      cell_type: c.type,
      metadata: {},
      source: c.source,
      ...(c.type === 'code' ? { outputs: [], execution_count: null } : {}),
    })),
  });
}

const goodNotebook = notebook([
  { type: 'markdown', source: '# Tiny report\nA figure and a table.' },
  {
    type: 'code',
    source: [
      `import { showFigure, showTable, recordMetrics } from ${JSON.stringify(path.join(lib, 'notebook'))};`,
      `import { confusionMatrixFigure, barFigure } from ${JSON.stringify(path.join(lib, 'viz'))};`,
      `import * as dfd from 'danfojs-node';`,
    ].join('\n'),
  },
  {
    type: 'code',
    source:
      `showFigure(confusionMatrixFigure({ labels: ['angry', 'sad'], confusion: [[8, 2], [1, 9]],` +
      ` protocol: 'speaker-independent (train OAF → test YAF)' }));`,
  },
  { type: 'code', source: `showFigure(barFigure({ categories: ['angry', 'sad'], values: [10, 10] }));` },
  {
    type: 'code',
    source: [
      `showTable(new dfd.DataFrame({ speaker: ['OAF', 'YAF'], angry: [200, 200] }));`,
      `recordMetrics('evaluation', { accuracy: 0.85, quick: process.env.SER_QUICK ?? 'unset' });`,
    ].join('\n'),
  },
  {
    // What tfjs prints when an LSTM is built: the kernel's preload keeps it out of the report.
    type: 'code',
    source: `console.warn('Orthogonal initializer is being called on a matrix with more than 2000 (65536) elements: Slowness may result.');`,
  },
]);

const failingNotebook = notebook([
  { type: 'code', source: `const answer: number = 42;\nconsole.log('before the failure', answer);` },
  { type: 'code', source: `throw new Error('boom from the notebook');` },
  { type: 'code', source: `console.log('never runs');` },
]);

const typeErrorNotebook = notebook([{ type: 'code', source: `const clips: number = 'forty';` }]);

const dyingNotebook = notebook([
  { type: 'code', source: `console.log('alive');` },
  {
    type: 'code',
    source: `require('node:fs').writeSync(2, 'last words of the kernel\\n');\nprocess.exit(3);`,
  },
]);

let dir = '';
let outDir = '';
let fakeHome = '';
let run: RunReportsResult;
const progress: ReportProgress[] = [];
let browser: Browser | undefined;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-report-test-'));
  // Notebooks resolve packages (danfojs-node) from their own folder, as in notebooks/.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, '01-tiny.ipynb'), goodNotebook);
  fs.writeFileSync(path.join(dir, '02-failing.ipynb'), failingNotebook);
  fs.writeFileSync(path.join(dir, '03-type-error.ipynb'), typeErrorNotebook);
  fs.writeFileSync(path.join(dir, '04-dying.ipynb'), dyingNotebook);
  outDir = path.join(dir, 'reports');
  // Jupyter, IPython and the kernel must keep everything under the project's .jupyter/.
  fakeHome = path.join(dir, 'home');
  fs.mkdirSync(fakeHome);
  const realHome = process.env.HOME;
  process.env.HOME = fakeHome;
  run = await runReports({
    notebooks: ['01-tiny', '02-failing', '03-type-error', '04-dying'].map((n) =>
      path.join(dir, `${n}.ipynb`),
    ),
    outDir,
    quick: true,
    timeoutSec: 120,
    onProgress: (e) => progress.push(e),
  }).finally(() => {
    process.env.HOME = realHome;
  });
  if (fs.existsSync(CHROMIUM_PATH)) {
    // Chromium writes caches (dconf, fonts) under $HOME and XDG dirs: keep them in the temp folder.
    const browserHome = path.join(dir, 'chromium-home');
    browser = await launchChromium(browserHome);
  }
});

after(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('runReports reports each notebook, goes on after a failure and says not ok', () => {
  assert.equal(run.ok, false);
  assert.deepEqual(
    run.results.map((r) => [r.name, r.status]),
    [
      ['01-tiny', 'ok'],
      ['02-failing', 'failed'],
      ['03-type-error', 'failed'],
      ['04-dying', 'failed'],
    ],
  );
  const [good, bad, typeError, dying] = run.results;
  assert.equal(good.output, path.join(outDir, '01-tiny.html'));
  assert.ok(good.seconds > 0);
  // recordMetrics reached the runner, and SER_QUICK=1 reached the notebook.
  assert.deepEqual(good.metrics, { evaluation: { accuracy: 0.85, quick: '1' } });
  // tslab prints exceptions and compile errors on stderr; the runner distils a one-line summary.
  assert.equal(bad.error, 'cell 2: Error: boom from the notebook');
  assert.match(
    typeError.error ?? '',
    /^cell 1: TypeScript error: 1:7 - Type 'string' is not assignable to type 'number'/,
  );
  // A dead kernel leaves no error output; its own stderr says why.
  assert.match(
    dying.error ?? '',
    /^cell 2: DeadKernelError: Kernel died\nkernel stderr \(last lines\):\n[\s\S]*last words of the kernel/,
  );
  // Cell progress for every code cell of the good notebook, then done events and the index.
  const cells = progress.filter((e) => e.type === 'cell' && e.name === '01-tiny');
  assert.deepEqual(
    cells.map((e) => (e.type === 'cell' ? `${e.cell}/${e.of}` : '')),
    ['1/5', '2/5', '3/5', '4/5', '5/5'],
  );
  assert.equal(progress.at(-1)?.type, 'index');
  // Written atomically: no temp files left behind.
  assert.deepEqual(fs.readdirSync(outDir).sort(), [
    '.meta',
    '01-tiny.html',
    '02-failing.html',
    '03-type-error.html',
    '04-dying.html',
    'index.html',
  ]);
});

test('running reports writes nothing into $HOME', () => {
  assert.deepEqual(fs.readdirSync(fakeHome), []);
});

test('a report is self-contained: plotly.js inlined exactly once, no external scripts', () => {
  const html = fs.readFileSync(path.join(outDir, '01-tiny.html'), 'utf8');
  assert.equal(html.match(/plotly\.js v2\.\d+\.\d+/g)?.length, 1);
  assert.ok(html.indexOf('plotly.js v2') < html.indexOf('</head>'), 'in the head, before any figure');
  assert.ok(!/<script[^>]+src=/.test(html), 'no <script src=...>');
  assert.ok(!/<link[^>]+href="http/.test(html), 'no remote stylesheet');
  assert.equal(
    html.split('Slowness may result').length - 1,
    1,
    "tfjs's orthogonal-initializer notice is quieted: it is only in the cell's source",
  );
  assert.ok(!html.includes('data-mime-type="application/vnd.jupyter.stderr"'), 'no stderr box');
  // A report without figures does not carry the 4.5 MB bundle.
  const plain = fs.readFileSync(path.join(outDir, '02-failing.html'), 'utf8');
  assert.ok(!plain.includes('plotly.js v2'));
});

test('the failed report is still written, with a banner and the error', () => {
  const html = fs.readFileSync(path.join(outDir, '02-failing.html'), 'utf8');
  assert.match(html, /id="ser-failure"/);
  assert.match(html, /This report failed<\/strong> in code cell 2/);
  assert.match(html, /boom from the notebook/);
  assert.match(html, /before the failure 42/);
  assert.ok(!html.includes('never runs</pre>'), 'cells after the failure are not executed');
});

test('the report renders in Chromium: Plotly figures drawn, table shown, no console errors', async (t) => {
  if (!browser) return t.skip(`${CHROMIUM_PATH} not installed`);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(`file://${path.join(outDir, '01-tiny.html')}`);
  await page.waitForSelector('.ser-figure .main-svg', { timeout: 15000 });
  // One plot per figure, each with at least one drawn trace.
  const figures = await page.$$eval('.ser-figure', (els) =>
    els.map((el) => ({
      svgs: el.querySelectorAll('.main-svg').length,
      traces: el.querySelectorAll('g.trace').length + el.querySelectorAll('g.hm image').length,
      text: el.textContent ?? '',
    })),
  );
  assert.equal(figures.length, 2);
  for (const f of figures) {
    assert.ok(f.svgs > 0);
    assert.ok(f.traces > 0, 'a trace was drawn');
  }
  assert.match(figures[0].text, /accuracy 85\.0 %/);
  assert.match(figures[0].text, /80\.0 %/);
  const table = await page.$eval('table.ser-table', (el) => el.textContent ?? '');
  assert.match(table, /OAF/);
  fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: path.join(root, 'test-artifacts', 'report-test.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the index page links every report with its status and metrics', async (t) => {
  const html = fs.readFileSync(run.index, 'utf8');
  assert.match(html, /4 reports, <b class="failed">3 failed<\/b>/);
  assert.match(html, /href="01-tiny\.html"/);
  assert.match(html, /href="02-failing\.html"/);
  assert.match(html, /accuracy <b>0\.85<\/b>/);
  if (!browser) return t.skip(`${CHROMIUM_PATH} not installed`);
  const page = await browser.newPage();
  await page.goto(`file://${run.index}`);
  const rows = await page.$$eval('tbody tr', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-report'), tr.querySelector('.status')?.textContent]),
  );
  assert.deepEqual(rows, [
    ['01-tiny', 'ok'],
    ['02-failing', 'failed'],
    ['03-type-error', 'failed'],
    ['04-dying', 'failed'],
  ]);
  await page.close();
});

test('without a usable Python the report is still written, as a failure page', async () => {
  const out = path.join(dir, 'no-python');
  const result = await runReports({
    notebooks: [path.join(dir, '01-tiny.ipynb')],
    outDir: out,
    python: path.join(dir, 'no-such-python'),
  });
  assert.equal(result.ok, false);
  assert.match(result.results[0].error ?? '', /^could not start .*no-such-python: spawn .* ENOENT/);
  const html = fs.readFileSync(path.join(out, '01-tiny.html'), 'utf8');
  assert.match(html, /<h1>01-tiny: report failed<\/h1>/);
  assert.match(fs.readFileSync(result.index, 'utf8'), /1 report, <b class="failed">1 failed<\/b>/);
});
