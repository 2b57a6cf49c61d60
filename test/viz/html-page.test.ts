import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_STYLE, htmlPage } from '../../lib/viz/html';
import { renderEvaluationHtml } from '../../lib/viz/evaluation-page';
import { renderStreamHtml } from '../../lib/viz/stream-page';
import { simulatedReport } from '../evaluate/fixtures';

test('htmlPage is one self-contained page with the shared stylesheet and an escaped title', () => {
  const page = htmlPage('a <b> & c', '<p>body</p>');
  assert.match(page, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.ok(page.includes('<title>a &#60;b&#62; &#38; c</title>'));
  assert.ok(page.includes(`<style>${PAGE_STYLE}</style>`));
  assert.ok(page.includes('<body>\n<p>body</p>\n</body>'));
  assert.match(page, /<\/html>\n$/);
});

test('the evaluation and stream pages are both built on htmlPage, with the one stylesheet once', () => {
  const report = simulatedReport(0.7);
  const stream = renderStreamHtml({
    title: 'stream of talk.wav',
    description: 'best, 3 s windows every 1 s',
    labels: ['angry', 'sad'],
    events: [
      { type: 'window', start: 0, end: 3, label: 'sad', scores: { angry: 0.2, sad: 0.8 } },
      { type: 'window', start: 1, end: 4, label: null, scores: null },
      { type: 'segment', start: 0, end: 2.5, label: 'sad', scores: { angry: 0.3, sad: 0.7 } },
    ],
  });
  for (const page of [renderEvaluationHtml(report), stream]) {
    assert.match(page, /^<!DOCTYPE html>/);
    assert.equal(page.split(`<style>${PAGE_STYLE}</style>`).length - 1, 1);
  }
  assert.ok(stream.includes('2 windows (1 without speech) · 1 speech segments'));
});
