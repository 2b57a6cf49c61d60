/**
 * Numbers as the command line prints them. Probabilities are rounded to 4 decimals so that each row still sums
 * to 1: every value is floored to 1e-4 and the units left over go to the largest remainders (Hamilton's
 * method), so no printed row sums to 0.9998 or 1.0002; `ser predict` and `ser stream` print the same numbers.
 */
export function roundProbabilities(values: readonly number[]): number[] {
  const units = values.map((v) => v * 1e4);
  const floors = units.map(Math.floor);
  let left = Math.round(units.reduce((a, b) => a + b, 0)) - floors.reduce((a, b) => a + b, 0);
  const order = units.map((u, i) => [u - floors[i], i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i]++;
    left--;
  }
  return floors.map((f) => f / 1e4);
}

/** A label → probability record with {@link roundProbabilities} applied (same keys, same order). */
export function roundScores(scores: Record<string, number>): Record<string, number> {
  const labels = Object.keys(scores);
  const values = roundProbabilities(labels.map((l) => scores[l]));
  return Object.fromEntries(labels.map((l, i) => [l, values[i]]));
}
