/**
 * Checks executed HTML reports the way a reader sees them: each page is opened in headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core), and must load with no console errors, render every
 * Plotly figure (an SVG with at least one non-empty trace), give every audio player a source, and show no
 * failure banner. A full-page PNG screenshot of each report is saved for people to look at.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Launch headless Chromium with its caches kept in `home` (never the user's $HOME); `extraArgs` add flags
 * (the browser demo's test feeds a fake microphone from a WAV file).
 */
export async function launchChromium(home: string, extraArgs: string[] = []): Promise<Browser> {
  // Loaded lazily: playwright-core is a dev dependency, needed only to check reports.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    env: {
      ...process.env,
      HOME: home,
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
    },
    // Without the networking flags Chromium keeps trying to reach Google's hosts, which this machine refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

export interface ReportCheck {
  report: string;
  ok: boolean;
  figures: number;
  renderedFigures: number;
  emptyFigures: number;
  audioPlayers: number;
  audioWithoutSource: number;
  consoleErrors: string[];
  failed: boolean;
  screenshot?: string;
  problems: string[];
}

interface PageCounts {
  figures: number;
  rendered: number;
  empty: number;
  audio: number;
  audioNoSrc: number;
  failed: boolean;
}

/** Check one report page; `screenshotDir` receives `<name>.png` when given. */
export async function checkReportPage(
  browser: Browser,
  file: string,
  screenshotDir?: string,
): Promise<ReportCheck> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  try {
    await page.goto('file://' + path.resolve(file), { waitUntil: 'load' });
    // Plotly draws asynchronously after load.
    await page.waitForTimeout(1500);
    const counts = await page.evaluate((): PageCounts => {
      const figs = Array.from(document.querySelectorAll('.ser-figure'));
      type PlotDiv = Element & {
        data?: {
          x?: unknown[];
          y?: unknown[];
          z?: unknown[];
          values?: unknown[];
          dimensions?: { values?: unknown[] }[];
        }[];
      };
      const rendered = figs.filter((f) => f.querySelector('.main-svg') !== null);
      const empty = rendered.filter((f) => {
        const data = (f as PlotDiv).data ?? [];
        return !data.some(
          (t) =>
            (t.x?.length ?? 0) +
              (t.y?.length ?? 0) +
              (t.z?.length ?? 0) +
              (t.values?.length ?? 0) +
              // Parallel coordinates keep their data per axis.
              (t.dimensions ?? []).reduce((n, d) => n + (d.values?.length ?? 0), 0) >
            0,
        );
      });
      const audio = Array.from(document.querySelectorAll('audio'));
      return {
        figures: figs.length,
        rendered: rendered.length,
        empty: empty.length,
        audio: audio.length,
        audioNoSrc: audio.filter((a) => !(a.getAttribute('src') || a.querySelector('source[src]'))).length,
        failed: document.querySelector('#ser-failure, .ser-failure') !== null,
      };
    });
    let screenshot: string | undefined;
    if (screenshotDir) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      screenshot = path.join(screenshotDir, path.basename(file, '.html') + '.png');
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    const problems: string[] = [];
    if (consoleErrors.length > 0)
      problems.push(`${consoleErrors.length} console error(s): ${consoleErrors[0]}`);
    if (counts.rendered < counts.figures)
      problems.push(`${counts.figures - counts.rendered} figure(s) not rendered`);
    if (counts.empty > 0) problems.push(`${counts.empty} figure(s) without data`);
    if (counts.audioNoSrc > 0) problems.push(`${counts.audioNoSrc} audio player(s) without a source`);
    if (counts.failed) problems.push('the report shows a failure');
    return {
      report: file,
      ok: problems.length === 0,
      figures: counts.figures,
      renderedFigures: counts.rendered,
      emptyFigures: counts.empty,
      audioPlayers: counts.audio,
      audioWithoutSource: counts.audioNoSrc,
      consoleErrors,
      failed: counts.failed,
      screenshot,
      problems,
    };
  } finally {
    await page.close();
  }
}

/** Check every report page (`NN-name.html`, not the index) in `reportsDir`. */
export async function checkReports(reportsDir: string, screenshotDir?: string): Promise<ReportCheck[]> {
  const files = fs
    .readdirSync(reportsDir)
    .filter((f) => /^\d\d-.*\.html$/.test(f))
    .sort()
    .map((f) => path.join(reportsDir, f));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-chromium-'));
  const browser = await launchChromium(home);
  try {
    const results: ReportCheck[] = [];
    for (const f of files) results.push(await checkReportPage(browser, f, screenshotDir));
    return results;
  } finally {
    await browser.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
