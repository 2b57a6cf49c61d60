/**
 * The tslab display channel, kept apart from lib/notebook's index so that light modules (lib/augment's preview)
 * can draw into a notebook without importing the notebook helpers that pull in training and TensorFlow.js.
 */
import type { Display } from 'tslab';

/** The running kernel's display functions (tslab is loaded lazily, on the first call). */
export function display(): Display {
  // Inside the kernel, `tslab` resolves to the running kernel's module instance (same file path),
  // whose display functions send to the cell being executed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('tslab') as typeof import('tslab')).display;
}

/** Renders raw HTML in the cell's output (e.g. an HTML block holding figures). */
export function showHtml(html: string): void {
  display().html(html);
}
