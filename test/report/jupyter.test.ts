/**
 * Interactive use end to end: a real Jupyter Notebook server (startJupyter, as `ser notebook` starts it) on
 * 127.0.0.1 and a free port, driven in headless Chromium. It opens a copy of notebooks/01-exploration.ipynb,
 * runs its first cells on the TypeScript kernel, saves, reloads the page and finds the figures still drawn,
 * then re-runs a figure cell and finds it drawn too. Leaves screenshots in test-artifacts/jupyter/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../lib/report/browser-check';
import { JUPYTER_NOTEBOOK_BIN, startJupyter, type JupyterServer } from '../../lib/report/jupyter';
import { projectRoot } from '../../lib/util/paths';

const root = projectRoot();
const NOTEBOOK = '01-exploration.ipynb';
/** Cells 0–11 of 01-exploration: imports, corpora, manifest tables, and the first two figures. */
const FIRST_CELLS = 12;
const FIGURES_IN_FIRST_CELLS = 2;
const artifacts = path.join(root, 'test-artifacts', 'jupyter');

const missing = [
  spawnSync('sh', ['-c', `command -v ${JUPYTER_NOTEBOOK_BIN}`]).status === 0 ? null : JUPYTER_NOTEBOOK_BIN,
  fs.existsSync(CHROMIUM_PATH) ? null : CHROMIUM_PATH,
].filter((m) => m !== null);
const skip =
  missing.length > 0
    ? `${missing.join(' and ')} missing (bash scripts/setup.sh installs them as root)`
    : false;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let dir = '';
let jupyter: JupyterServer | undefined;
let browser: Browser | undefined;
const log: string[] = [];

before(async () => {
  if (skip) return;
  // A copy of the notebook (saving writes its outputs) in a folder laid out like the project, so that its
  // `../dist/lib` import and packages resolve as they do from notebooks/.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-jupyter-test-'));
  for (const link of ['dist', 'node_modules']) fs.symlinkSync(path.join(root, link), path.join(dir, link));
  fs.mkdirSync(path.join(dir, 'notebooks'));
  fs.copyFileSync(path.join(root, 'notebooks', NOTEBOOK), path.join(dir, 'notebooks', NOTEBOOK));
  jupyter = await startJupyter({
    root,
    notebookDir: path.join(dir, 'notebooks'),
    port: await freePort(),
    onLog: (line) => log.push(line),
  });
  browser = await launchChromium(path.join(dir, 'chromium-home'));
});

after(async () => {
  await browser?.close();
  await jupyter?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Waits until the notebook page has loaded the notebook and connected to its kernel. */
async function notebookReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const nb = (window as unknown as { Jupyter?: { notebook?: JupyterNotebook } }).Jupyter?.notebook;
      return nb?._fully_loaded === true && nb.kernel?.is_connected() === true;
    },
    undefined,
    { timeout: 90_000, polling: 250 },
  );
}

/** What the test reads of the classic notebook's page API (`window.Jupyter.notebook`). */
interface JupyterNotebook {
  _fully_loaded?: boolean;
  trusted?: boolean;
  kernel?: { is_connected(): boolean };
  get_cells(): {
    cell_type: string;
    input_prompt_number?: number | string | null;
    output_area?: { outputs: { output_type: string; name?: string; text?: string }[] };
  }[];
  execute_cells(indices: number[]): void;
  save_notebook(): Promise<unknown>;
}

/** Runs cells by index and waits until each has run (a number in its prompt); returns their stderr text. */
async function runCells(page: Page, indices: number[], timeoutMs: number): Promise<string> {
  const before = await page.evaluate((ids) => {
    const nb = (window as unknown as { Jupyter: { notebook: JupyterNotebook } }).Jupyter.notebook;
    const cells = nb.get_cells();
    const prompts = ids.map((i) => cells[i].input_prompt_number ?? null);
    nb.execute_cells(ids.filter((i) => cells[i].cell_type === 'code'));
    return prompts;
  }, indices);
  await page.waitForFunction(
    ({ ids, previous }) => {
      const cells = (
        window as unknown as { Jupyter: { notebook: JupyterNotebook } }
      ).Jupyter.notebook.get_cells();
      return ids.every((i, k) => {
        const c = cells[i];
        if (c.cell_type !== 'code') return true;
        return typeof c.input_prompt_number === 'number' && c.input_prompt_number !== previous[k];
      });
    },
    { ids: indices, previous: before },
    { timeout: timeoutMs, polling: 500 },
  );
  return page.evaluate((ids) => {
    const cells = (
      window as unknown as { Jupyter: { notebook: JupyterNotebook } }
    ).Jupyter.notebook.get_cells();
    return ids
      .flatMap((i) => cells[i].output_area?.outputs ?? [])
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => o.text ?? '')
      .join('');
  }, indices);
}

interface FigureState {
  figures: number;
  drawn: number;
  messages: string[];
}

/** Waits until `expected` figures are on the page and drawn by plotly.js (or the time is up), and counts them. */
async function figures(page: Page, expected: number): Promise<FigureState> {
  const count = (): FigureState => {
    const figs = Array.from(document.querySelectorAll('.ser-figure'));
    return {
      figures: figs.length,
      drawn: figs.filter((f) => f.querySelector('.main-svg') !== null).length,
      messages: figs.map((f) => f.textContent ?? '').filter((t) => /plotly\.js/.test(t)),
    };
  };
  await page
    .waitForFunction(
      (n) =>
        Array.from(document.querySelectorAll('.ser-figure')).filter((f) => f.querySelector('.main-svg'))
          .length >= n,
      expected,
      { timeout: 30_000, polling: 250 },
    )
    .catch(() => undefined);
  return page.evaluate(count);
}

/** A screenshot with the first figure in view (the notebook scrolls inside its own panel, not the page). */
async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.locator('.ser-figure').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

test(
  'in Jupyter, 01-exploration runs on the TypeScript kernel and its figures survive a page reload and a re-run',
  { skip, timeout: 240_000 },
  async () => {
    assert.ok(jupyter && browser);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Leaving a page with unsaved changes asks for confirmation; the test saves first, but never hangs on it.
    page.on('dialog', (d) => void d.accept());
    try {
      await page.goto(jupyter.notebookUrl(NOTEBOOK), { waitUntil: 'load' });
      await notebookReady(page);
      const stderr = await runCells(
        page,
        Array.from({ length: FIRST_CELLS }, (_, i) => i),
        150_000,
      );
      assert.equal(stderr, '', 'no cell wrote to stderr');
      const first = await figures(page, FIGURES_IN_FIRST_CELLS);
      await screenshot(page, 'after-run');
      assert.deepEqual(first, {
        figures: FIGURES_IN_FIRST_CELLS,
        drawn: FIGURES_IN_FIRST_CELLS,
        messages: [],
      });

      await page.evaluate(() =>
        (window as unknown as { Jupyter: { notebook: JupyterNotebook } }).Jupyter.notebook.save_notebook(),
      );
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'notebooks', NOTEBOOK), 'utf8')) as {
        cells: { outputs?: { data?: Record<string, string | string[]> }[] }[];
      };
      const savedHtml = saved.cells
        .flatMap((c) => c.outputs ?? [])
        .map((o) => [o.data?.['text/html'] ?? ''].flat().join(''))
        .join('');
      assert.equal(savedHtml.match(/class="ser-figure"/g)?.length, FIGURES_IN_FIRST_CELLS, 'figures saved');
      assert.ok(!savedHtml.includes('plotly.js v2'), 'the saved notebook does not carry the 4.5 MB bundle');

      await page.reload({ waitUntil: 'load' });
      await notebookReady(page);
      const trusted = await page.evaluate(
        () => (window as unknown as { Jupyter: { notebook: JupyterNotebook } }).Jupyter.notebook.trusted,
      );
      assert.equal(trusted, true, 'the notebook saved after running is trusted, so its outputs run');
      const reloaded = await figures(page, FIGURES_IN_FIRST_CELLS);
      await screenshot(page, 'after-reload');
      assert.deepEqual(reloaded, {
        figures: FIGURES_IN_FIRST_CELLS,
        drawn: FIGURES_IN_FIRST_CELLS,
        messages: [],
      });

      // Re-running figure cells after the reload (same kernel session) draws them again. The cell ids are
      // the two figure cells among the first ones (9 and 11 in 01-exploration).
      const figureCells = await page.evaluate((n) => {
        const cells = (
          window as unknown as { Jupyter: { notebook: JupyterNotebook } }
        ).Jupyter.notebook.get_cells();
        return cells
          .slice(0, n)
          .map((c, i) => ({
            i,
            html: c.output_area?.outputs.some((o) => JSON.stringify(o).includes('ser-figure')),
          }))
          .filter((c) => c.html)
          .map((c) => c.i);
      }, FIRST_CELLS);
      assert.equal(figureCells.length, FIGURES_IN_FIRST_CELLS);
      assert.equal(await runCells(page, figureCells, 60_000), '');
      const rerun = await figures(page, FIGURES_IN_FIRST_CELLS);
      await screenshot(page, 'after-rerun');
      assert.deepEqual(rerun, {
        figures: FIGURES_IN_FIRST_CELLS,
        drawn: FIGURES_IN_FIRST_CELLS,
        messages: [],
      });
      assert.deepEqual(pageErrors, []);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nJupyter log (last lines):\n${log.slice(-20).join('\n')}`, {
        cause: err,
      });
    } finally {
      await page.close();
    }
  },
);

test('ser notebook with a bad port says so in one line and exits 1', () => {
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'bin', 'ser.js'), 'notebook', '--no-setup', '--port', '70000'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'ser: notebook: --port must be within 1–65535, got 70000\n');
});

test('without jupyter-notebook on the PATH, startJupyter names the package to install', async () => {
  const saved = process.env.PATH;
  process.env.PATH = path.join(os.tmpdir(), 'ser-no-such-dir');
  try {
    await assert.rejects(startJupyter({ root }), {
      name: 'UserError',
      message:
        /^jupyter-notebook not found: install Debian's jupyter-notebook \(bash scripts\/setup\.sh does, as root\)$/,
    });
  } finally {
    process.env.PATH = saved;
  }
});
