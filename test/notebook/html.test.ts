import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as dfd from 'danfojs-node';
import { METRICS_FILE_ENV, recordMetrics } from '../../lib/notebook';
import {
  barFigure,
  escapeHtml,
  figureHtml,
  formatCell,
  JUPYTER_PLOTLY_PATH,
  plotlyBundleSource,
  isDataFrameLike,
  scriptJson,
  tableHtml,
} from '../../lib/viz';

test('escapeHtml escapes markup and quotes', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
});

test('scriptJson cannot close its <script> element and round-trips', () => {
  const value = { s: '</script><!-- \u2028' };
  const json = scriptJson(value);
  assert.ok(!json.includes('</'));
  assert.ok(!json.includes('<!--'));
  assert.ok(!json.includes('\u2028'));
  assert.deepEqual(JSON.parse(json), value);
});

test('figureHtml: sized div plus a script that calls Plotly.newPlot with the spec', () => {
  const fig = barFigure({ categories: ['a', 'b'], values: [1, 2] });
  const html = figureHtml(fig, { includeBundle: false, id: 'fig1' });
  assert.match(html, /<div id="fig1" class="ser-figure" style="width:100%;height:380px;"><\/div>/);
  assert.ok(!html.includes('plotly.js v'), 'no bundle');
  // Run the drawing script against a fake page and check what reaches Plotly.newPlot.
  const script = drawScript(html);
  const el = { textContent: '' };
  const calls: unknown[][] = [];
  const window = { Plotly: { newPlot: (...args: unknown[]) => calls.push(args) } };
  vm.runInNewContext(script, {
    window,
    document: { getElementById: (id: string) => (id === 'fig1' ? el : null) },
  });
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], el);
  assert.deepEqual(JSON.parse(JSON.stringify(calls[0][1])), fig.data);
  assert.deepEqual(JSON.parse(JSON.stringify(calls[0][2])), fig.layout);
  // Without plotly.js on a page that is not a Jupyter page, the figure says so instead of failing silently.
  vm.runInNewContext(script, {
    window: {},
    document: { getElementById: () => el, body: bodyWithBase(null) },
  });
  assert.match(el.textContent, /plotly\.js is not loaded/);
});

function bodyWithBase(base: string | null): { getAttribute(name: string): string | null } {
  return { getAttribute: (name) => (name === 'data-base-url' ? base : null) };
}

/** The drawing script of a figure's HTML. */
function drawScript(html: string): string {
  const script = /<script type="text\/javascript">\n([\s\S]*)\n<\/script>/.exec(html)?.[1];
  assert.ok(script);
  return script;
}

/**
 * A Jupyter Notebook page as the drawing scripts see it: `window` is the global object, the body carries
 * `data-base-url`, `fetch` answers with `respond`, and appending a script element runs it.
 */
function jupyterPage(respond: (url: string) => { ok: boolean; status: number; text: string }) {
  const elements = new Map<string, { textContent: string }>();
  const fetched: string[] = [];
  const drawn: unknown[] = [];
  const page: Record<string, unknown> = {
    fetch: (url: string) => {
      fetched.push(url);
      const r = respond(url);
      return Promise.resolve({ ok: r.ok, status: r.status, text: () => Promise.resolve(r.text) });
    },
    drawn,
  };
  page.window = page;
  const context = vm.createContext(page);
  page.document = {
    getElementById: (id: string) => {
      if (!elements.has(id)) elements.set(id, { textContent: '' });
      return elements.get(id);
    },
    body: bodyWithBase('/base/'),
    createElement: () => ({ text: '' }),
    head: { appendChild: (s: { text: string }) => vm.runInContext(s.text, context) },
  };
  const settle = async (): Promise<void> => {
    await (page.serPlotlyLoading as Promise<void> | undefined)?.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { page, context, elements, fetched, drawn, settle };
}

test('figures on a Jupyter page without plotly.js fetch the bundle once from the server, then all draw', async () => {
  // A stand-in bundle: defines window.Plotly whose newPlot records the element it draws into.
  const bundle = 'window.Plotly = { newPlot: function (el) { window.drawn.push(el); } };';
  const p = jupyterPage(() => ({ ok: true, status: 200, text: bundle }));
  const figure = (i: number) =>
    figureHtml(barFigure({ categories: ['a'], values: [i] }), { includeBundle: false, id: `f${i}` });
  for (const i of [1, 2, 3]) vm.runInContext(drawScript(figure(i)), p.context);
  assert.equal(p.drawn.length, 0, 'nothing drawn before the bundle arrives');
  await p.settle();
  assert.deepEqual(p.fetched, ['/base/' + JUPYTER_PLOTLY_PATH], 'one fetch for three figures');
  assert.deepEqual(
    p.drawn,
    ['f1', 'f2', 'f3'].map((id) => p.elements.get(id)),
  );
  // A cell re-run later draws at once with the page's Plotly.
  vm.runInContext(drawScript(figure(4)), p.context);
  assert.equal(p.drawn.length, 4);
  assert.equal(p.fetched.length, 1);
});

test('a figure on a Jupyter page whose server lacks the bundle says how to start Jupyter, and a later one retries', async () => {
  let status = 404;
  const p = jupyterPage(() => ({
    ok: status === 200,
    status,
    text: 'window.Plotly = { newPlot: function () {} };',
  }));
  const html = figureHtml(barFigure({ categories: ['a'], values: [1] }), { includeBundle: false, id: 'x' });
  vm.runInContext(drawScript(html), p.context);
  await p.settle();
  assert.match(
    p.elements.get('x')?.textContent ?? '',
    /could not be loaded from the Jupyter server \(HTTP 404\): start Jupyter with npm run notebook/,
  );
  status = 200;
  vm.runInContext(drawScript(html), p.context);
  await p.settle();
  assert.equal(p.fetched.length, 2);
  assert.equal(typeof p.page.Plotly, 'object');
});

test('figureHtml with the bundle defines window.Plotly even where an AMD loader exists', () => {
  const html = figureHtml(barFigure({ categories: ['a'], values: [1] }), { includeBundle: true, id: 'f' });
  assert.ok(html.startsWith('<script type="text/javascript">(function () { var define, module, exports;'));
  assert.ok(html.includes(plotlyBundleSource()));
  assert.ok(html.includes('plotly.js v2.'));
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'bundle script and draw script only');
  assert.ok(html.indexOf('var define') < html.indexOf('<div id="f"'));
});

test('tableHtml renders a Danfo.js DataFrame with its index as row headers', () => {
  const df = new dfd.DataFrame({ speaker: ['OAF', 'YAF'], angry: [200, 199], ratio: [0.123456, 1 / 3] });
  assert.ok(isDataFrameLike(df));
  const html = tableHtml(df);
  assert.match(html, /<thead><tr><th><\/th><th>speaker<\/th><th>angry<\/th><th>ratio<\/th><\/tr><\/thead>/);
  assert.match(
    html,
    /<tr><th>0<\/th><td>OAF<\/td><td style="text-align:right">200<\/td><td style="text-align:right">0\.1235<\/td><\/tr>/,
  );
  assert.match(html, /<tr><th>1<\/th><td>YAF<\/td>/);
  assert.ok(!html.includes('more rows'));
});

test('tableHtml renders records (union of keys), escapes cells and truncates at maxRows', () => {
  const rows = [{ a: 1, b: '<b>' }, { a: 2, c: true }, { a: 3 }];
  const html = tableHtml(rows, { maxRows: 2, caption: 'Clips' });
  assert.match(html, /<caption>Clips<\/caption>/);
  assert.match(html, /<th>a<\/th><th>b<\/th><th>c<\/th>/);
  assert.match(html, /<td>&#60;b&#62;<\/td>/);
  assert.match(html, /<td>true<\/td>/);
  assert.equal(html.match(/<tr>/g)?.length, 3, 'header + 2 rows');
  assert.match(html, /… 1 more rows \(3 in all\)/);
  assert.ok(!isDataFrameLike(rows));
});

test('formatCell', () => {
  assert.equal(formatCell(3), '3');
  assert.equal(formatCell(2 / 3), '0.6667');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell({ x: 1 }), '{"x":1}');
});

test('recordMetrics merges groups into the file named by the environment, and is a no-op without it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-metrics-'));
  const file = path.join(dir, '.meta', 'nb.metrics.json');
  const saved = process.env[METRICS_FILE_ENV];
  try {
    delete process.env[METRICS_FILE_ENV];
    recordMetrics('eval', { accuracy: 0.5 });
    assert.equal(fs.existsSync(file), false);
    process.env[METRICS_FILE_ENV] = file;
    recordMetrics('eval', { accuracy: 0.5 });
    recordMetrics('data', { clips: 40, synthetic: true });
    recordMetrics('eval', { accuracy: 0.75 });
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {
      eval: { accuracy: 0.75 },
      data: { clips: 40, synthetic: true },
    });
  } finally {
    if (saved === undefined) delete process.env[METRICS_FILE_ENV];
    else process.env[METRICS_FILE_ENV] = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
