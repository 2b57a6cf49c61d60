/**
 * The tslab display channel and the page's plotly.js bundle state, kept apart from lib/notebook's index so
 * that light modules (lib/augment's preview) can draw into a notebook without importing the notebook helpers
 * that pull in training and TensorFlow.js.
 */
import type { Display } from 'tslab';

/** The running kernel's display functions (tslab is loaded lazily, on the first call). */
export function display(): Display {
  // Inside the kernel, `tslab` resolves to the running kernel's module instance (same file path),
  // whose display functions send to the cell being executed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('tslab') as typeof import('tslab')).display;
}

/** Whether this kernel has already sent the plotly.js bundle to the page. */
let bundleSent = false;

/**
 * Whether the output about to be displayed must inline the plotly.js bundle: true the first time in a kernel
 * session (or when `force` is true), after which the bundle counts as sent. Every display of figures asks here,
 * so a page gets the bundle once whichever helper draws first.
 */
export function claimPlotlyBundle(force?: boolean): boolean {
  const include = force ?? !bundleSent;
  if (include) bundleSent = true;
  return include;
}

/** Renders raw HTML in the cell's output (e.g. an HTML block holding figures: ask {@link claimPlotlyBundle}). */
export function showHtml(html: string): void {
  display().html(html);
}
