/**
 * Preloaded into the notebooks' tslab kernel (its kernel.json starts node with `--require` of this file; see
 * ./kernel.ts). It drops TensorFlow.js notices that are advice, not problems, which would otherwise show as red
 * stderr boxes in cell outputs and reports: tfjs prints "Orthogonal initializer is being called on a matrix with
 * more than 2000 (…) elements: Slowness may result." each time an LSTM is built or loaded (its recurrent
 * weights start as a random orthogonal matrix; the few seconds it costs are in the training times shown).
 */
export const QUIET_NOTICES: readonly RegExp[] = [
  /^Orthogonal initializer is being called on a matrix with more than \d+ \(\d+\) elements: Slowness may result\.$/,
];

/** Whether a console.warn call is one of {@link QUIET_NOTICES}. */
export function isQuietNotice(args: unknown[]): boolean {
  const [first] = args;
  return args.length === 1 && typeof first === 'string' && QUIET_NOTICES.some((re) => re.test(first));
}

const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  if (!isQuietNotice(args)) warn(...args);
};
