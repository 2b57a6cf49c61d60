/**
 * Model inputs read one row at a time. The fit loop, validation and prediction ask a {@link RowSource} for the
 * rows of one batch, so what is held in memory is that batch, whatever the corpus: a source may read each row
 * from the on-disk feature cache and normalise it on the spot (lib/train/dataset.ts) or hand out rows it holds.
 */

/** Rows by index, each `get` a whole example (flattened) that the caller may keep or drop. */
export interface RowSource {
  readonly length: number;
  get(i: number): Float32Array;
}

/** Rows as a {@link RowSource}: a source, or rows already in memory. */
export type Rows = RowSource | readonly Float32Array[];

/** `rows` as a source (arrays are wrapped; sources returned as they are). */
export function rowSource(rows: Rows): RowSource {
  if (!Array.isArray(rows)) return rows as RowSource;
  const array = rows as readonly Float32Array[];
  return { length: array.length, get: (i) => array[i] };
}

/** The rows `idx` of `source`, in that order, read lazily. */
export function rowSubset(source: Rows, idx: readonly number[]): RowSource {
  const from = rowSource(source);
  return { length: idx.length, get: (i) => from.get(idx[i]) };
}

/** Rows `source` with `transform` applied to each row as it is read. */
export function mappedRows(
  source: RowSource,
  transform: (row: Float32Array, i: number) => Float32Array,
): RowSource {
  return { length: source.length, get: (i) => transform(source.get(i), i) };
}

/** Every row of `source` in memory (classic models, whose per-clip statistics are small). */
export function rowArray(source: Rows): Float32Array[] {
  const from = rowSource(source);
  return Array.from({ length: from.length }, (_, i) => from.get(i));
}

/** Iterate the rows of `source` once, in order (one row alive at a time unless the caller keeps it). */
export function* eachRow(source: Rows): Generator<Float32Array> {
  const from = rowSource(source);
  for (let i = 0; i < from.length; i++) yield from.get(i);
}
