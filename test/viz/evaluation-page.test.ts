/**
 * renderEvaluationHtml: the page's structure, and (where Debian's chromium is installed) that every figure
 * actually draws offline, with the protocol in each title.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { renderEvaluationHtml } from '../../lib/viz/evaluation-page';
import { simulatedReport } from '../evaluate/fixtures';

const CHROMIUM = '/usr/bin/chromium';
const history = [1, 2, 3].map((epoch) => ({
  epoch,
  loss: 1 / epoch,
  accuracy: 0.3 * epoch,
  valLoss: 1.2 / epoch,
  valAccuracy: 0.25 * epoch,
}));

test('renderEvaluationHtml: one page, bundle once, figures and tables in order, text escaped', () => {
  const report = { ...simulatedReport(0.7), model: 'models/<mlp>' };
  const html = renderEvaluationHtml(report, { history });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.equal((html.match(/var define, module, exports;/g) ?? []).length, 1);
  const ids = [...html.matchAll(/<div id="(ser-fig-\d+)" class="ser-figure"/g)].map((m) => m[1]);
  // confusion, per-class, per-speaker, confidence, learning curves (one corpus and one gender: no such figures).
  assert.deepEqual(ids, ['ser-fig-1', 'ser-fig-2', 'ser-fig-3', 'ser-fig-4', 'ser-fig-5']);
  assert.ok(html.includes('<h1>Evaluation of models/&#60;mlp&#62;</h1>'));
  assert.ok(html.includes(`<p class="protocol">${report.protocol.description} · 120 clips</p>`));
  assert.match(html, /<caption>Classification report — speaker-independent/);
  assert.match(html, /<th>weighted avg<\/th>|<td>weighted avg<\/td>/);
  const withoutHistory = renderEvaluationHtml(report);
  assert.equal((withoutHistory.match(/class="ser-figure"/g) ?? []).length, 4);
  assert.ok(!withoutHistory.includes('Learning curves'));
});

test('renderEvaluationHtml draws every figure offline in chromium, each titled with the protocol', async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  const report = simulatedReport(0.7);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-eval-html-'));
  const file = path.join(dir, 'evaluation.html');
  fs.writeFileSync(file, renderEvaluationHtml(report, { history }));
  const home = path.join(dir, 'home');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env: {
      ...process.env,
      HOME: home,
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
    },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request ${r.url()}`));
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => document.querySelectorAll('.ser-figure .main-svg').length >= 5,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const titles = await page.$$eval('.ser-figure .gtitle', (els) => els.map((e) => e.textContent ?? ''));
    assert.deepEqual(errors, []);
    assert.equal(titles.length, 5, titles.join('\n'));
    for (const title of titles) assert.ok(title.includes(report.protocol.description), title);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
