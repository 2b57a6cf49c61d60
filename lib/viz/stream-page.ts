/** The self-contained HTML page of `ser stream --plot FILE`: the emotion timeline (plotly.js inlined). */
import { escapeHtml, figureHtml } from './html';
import { streamTimelineFigure, type StreamTimelineInput } from './stream';

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
.protocol { color: #444; }
`;

export function renderStreamHtml(input: StreamTimelineInput & { title: string; notes?: string[] }): string {
  const segments = input.events.filter((e) => e.type === 'segment' && e.label !== null).length;
  const windows = input.events.filter((e) => e.type === 'window');
  const silent = windows.filter((w) => w.label === null).length;
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p class="protocol">${escapeHtml(input.description)} · ${windows.length} windows (${silent} without speech) · ${segments} speech segments</p>`,
    ...(input.notes ?? []).map((n) => `<p class="protocol">Note: ${escapeHtml(n)}</p>`),
    figureHtml(streamTimelineFigure(input), { includeBundle: true, id: 'ser-stream-timeline' }),
    '<p class="protocol">Top: each window’s class probabilities after smoothing, drawn at the window’s centre; gaps are windows without speech. Bottom: the label of each speech segment (an utterance between pauses, classified as one clip).</p>',
    '</body></html>',
  ].join('\n');
}
