/** The self-contained HTML page of `ser stream --plot FILE`: the emotion timeline (plotly.js inlined). */
import { escapeHtml, figureHtml, htmlPage } from './html';
import { streamTimelineFigure, type StreamTimelineInput } from './stream';

export function renderStreamHtml(input: StreamTimelineInput & { title: string; notes?: string[] }): string {
  const segments = input.events.filter((e) => e.type === 'segment' && e.label !== null).length;
  const windows = input.events.filter((e) => e.type === 'window');
  const silent = windows.filter((w) => w.label === null).length;
  const body = [
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p class="protocol">${escapeHtml(input.description)} · ${windows.length} windows (${silent} without speech) · ${segments} speech segments</p>`,
    ...(input.notes ?? []).map((n) => `<p class="protocol">Note: ${escapeHtml(n)}</p>`),
    figureHtml(streamTimelineFigure(input), { includeBundle: true, id: 'ser-stream-timeline' }),
    '<p class="protocol">Top: each window’s class probabilities after smoothing, drawn at the window’s centre; gaps are windows without speech. Bottom: the label of each speech segment (an utterance between pauses, classified as one clip).</p>',
  ].join('\n');
  return htmlPage(input.title, body);
}
