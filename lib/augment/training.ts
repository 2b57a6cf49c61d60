/**
 * Leak-free augmentation: copies are only ever planned from the train side of a split's fold, each copy
 * records its source clip (id and content hash), and every consumer re-checks that no copy's source is on
 * the held-out side, so an augmented copy of a test clip can never reach training.
 */
import {
  assertDisjointFold,
  speakerKey,
  type Fold,
  type Split,
  type SplitRow,
  type SplitSource,
} from '../data/split';
import { UserError } from '../util/errors';
import { Rng } from '../util/rng';
import { applyRecipe, copySeed, type AugmentResult, type Recipe } from './compose';

/** One planned augmented copy of a training clip: its provenance. */
export interface AugmentedCopy {
  /** `<sourceId>#aug<copyIndex>`. */
  id: string;
  /** Manifest id of the clip it is made from. */
  sourceId: string;
  /** Content hash of that clip's decoded audio (the split's duplicate key). */
  sourceContentHash: string;
  /** Which copy of the source (0-based). */
  copyIndex: number;
  /** Seed of its transforms ({@link copySeed}). */
  seed: number;
  /** The fold whose train side it was planned from, and the manifest of that split. */
  fold: string;
  manifestHash: string;
}

/** Options of {@link planTrainingCopies}. */
export interface PlanOptions {
  /** Copies per training clip. Default: the recipe's `copies`, else 1. */
  copies?: number;
  /** Base seed. Default 0. */
  seed?: number;
}

/**
 * Plan augmented copies for one fold of a split: only rows of the fold's `train` side are expanded, after
 * the fold has been re-checked disjoint (no content hash on both sides, and no speaker when the split is
 * speaker-independent). Takes the split, not a list of rows, so the leaky call (augment everything, then
 * split) cannot be written with it.
 */
export function planTrainingCopies(
  source: SplitSource,
  split: Split,
  foldIndex: number,
  options: PlanOptions = {},
): AugmentedCopy[] {
  const fold = split.folds[foldIndex];
  if (!fold) throw new UserError(`augment: the split has ${split.folds.length} folds, no fold ${foldIndex}`);
  if (split.manifestHash !== source.hash)
    throw new UserError(
      `augment: the split is of manifest ${split.manifestHash.slice(0, 12)}, not ${source.hash.slice(0, 12)}`,
    );
  const byId = new Map(source.rows.map((r) => [r.id, r]));
  assertDisjointFold(fold, byId, split.speakerIndependent);
  const copies = options.copies ?? 1;
  if (!(Number.isInteger(copies) && copies >= 1))
    throw new UserError(`augment: copies must be a positive integer, got ${copies}`);
  const seed = options.seed ?? 0;
  const plan: AugmentedCopy[] = [];
  for (const id of fold.train) {
    const row = byId.get(id) as SplitRow;
    for (let k = 0; k < copies; k++)
      plan.push({
        id: `${id}#aug${k}`,
        sourceId: id,
        sourceContentHash: row.contentHash,
        copyIndex: k,
        seed: copySeed(seed, id, k),
        fold: fold.name,
        manifestHash: source.hash,
      });
  }
  return plan;
}

/**
 * Throw if any copy's source is on the held-out side of `fold` (by id or by content hash, which also catches
 * the same audio filed under another id) or is not on its train side at all.
 */
export function assertNoLeak(
  copies: readonly Pick<AugmentedCopy, 'id' | 'sourceId' | 'sourceContentHash'>[],
  source: SplitSource,
  fold: Fold,
): void {
  const byId = new Map(source.rows.map((r) => [r.id, r]));
  const heldOut = new Set(fold.test);
  const heldOutHashes = new Map(fold.test.map((id) => [byId.get(id)?.contentHash, id]));
  const train = new Set(fold.train);
  for (const c of copies) {
    if (heldOut.has(c.sourceId))
      throw new Error(`augment leak: copy ${c.id} is made from held-out clip ${c.sourceId} (${fold.name})`);
    const twin = heldOutHashes.get(c.sourceContentHash);
    if (twin !== undefined)
      throw new Error(`augment leak: copy ${c.id} has the audio of held-out clip ${twin} (${fold.name})`);
    if (!train.has(c.sourceId))
      throw new Error(
        `augment: copy ${c.id}'s source ${c.sourceId} is not on the train side of ${fold.name}`,
      );
  }
}

/**
 * The copies of a pool (e.g. expanded offline for another fold) that may train `fold`: those whose source is
 * on its train side and whose audio is not held out. Everything else is dropped, never used.
 */
export function copiesForFold<C extends Pick<AugmentedCopy, 'id' | 'sourceId' | 'sourceContentHash'>>(
  pool: readonly C[],
  source: SplitSource,
  fold: Fold,
): C[] {
  const train = new Set(fold.train);
  const byId = new Map(source.rows.map((r) => [r.id, r]));
  const heldOutHashes = new Set(fold.test.map((id) => byId.get(id)?.contentHash));
  const kept = pool.filter((c) => train.has(c.sourceId) && !heldOutHashes.has(c.sourceContentHash));
  assertNoLeak(kept, source, fold);
  return kept;
}

/** A training example as the batch stream carries it. */
export interface WaveExample {
  id: string;
  contentHash: string;
  audio: Float32Array;
  sampleRate: number;
}

/** An example after on-the-fly augmentation, with what was done to it. */
export interface AugmentedExample extends WaveExample {
  sourceId: string;
  augment: Omit<AugmentResult, 'audio'> & { seed: number };
}

/**
 * On-the-fly augmentation inside a training batch stream: each example of `examples` (the train side of a
 * fold) is augmented with a seed from (seed, id, epoch), so epochs differ and reruns repeat. Examples whose id
 * is not on the fold's train side are refused (an error, not a skip: the stream itself would be leaking).
 */
export function* augmentStream(
  examples: Iterable<WaveExample>,
  recipe: Recipe,
  fold: Fold,
  options: { seed?: number; epoch?: number } = {},
): Generator<AugmentedExample> {
  const train = new Set(fold.train);
  const held = new Set(fold.test);
  for (const ex of examples) {
    if (!train.has(ex.id) || held.has(ex.id))
      throw new Error(`augment leak: ${ex.id} is not on the train side of ${fold.name}`);
    const seed = copySeed(options.seed ?? 0, ex.id, options.epoch ?? 0);
    const { audio, ...rest } = applyRecipe(recipe, ex.audio, ex.sampleRate, new Rng(seed));
    yield {
      ...ex,
      id: `${ex.id}#epoch${options.epoch ?? 0}`,
      sourceId: ex.id,
      audio,
      augment: { ...rest, seed },
    };
  }
}

/** How many copies of a pool came from one side of a split, and how many of those may train. */
export interface SideProvenance {
  side: string;
  clips: number;
  speakers: number;
  /** Copies in the pool made from this side's clips (by id or by identical audio). */
  copiesInPool: number;
  /** Of those, copies in `training` (must be 0 for every held-out side). */
  copiesInTraining: number;
}

/**
 * Per side of a split (e.g. train, validation, test), where the copies of `pool` came from and how many of
 * them are in `training` (what {@link copiesForFold} kept): the table that shows no held-out clip's copy trains.
 */
export function provenanceBySide(
  pool: readonly Pick<AugmentedCopy, 'id' | 'sourceId' | 'sourceContentHash'>[],
  training: readonly Pick<AugmentedCopy, 'id'>[],
  sides: Readonly<Record<string, readonly SplitRow[]>>,
): SideProvenance[] {
  const trained = new Set(training.map((c) => c.id));
  return Object.entries(sides).map(([side, rows]) => {
    const ids = new Set(rows.map((r) => r.id));
    const hashes = new Set(rows.map((r) => r.contentHash));
    const fromSide = pool.filter((c) => ids.has(c.sourceId) || hashes.has(c.sourceContentHash));
    return {
      side,
      clips: rows.length,
      speakers: new Set(rows.map(speakerKey)).size,
      copiesInPool: fromSide.length,
      copiesInTraining: fromSide.filter((c) => trained.has(c.id)).length,
    };
  });
}
