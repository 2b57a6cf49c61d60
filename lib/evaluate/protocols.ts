/**
 * The evaluation protocols of the project, by name, and one runner that trains and scores a zoo model on every
 * fold of a protocol (per fold and mean). bench/accuracy and notebook 05 both call {@link runProtocol}, so a
 * model's figures on a protocol are the same numbers wherever they are shown. With `cacheDir`, every fold's
 * model lands in a directory keyed by (recipe, manifest hash of the exact clips, seeds) and a re-run reloads
 * it instead of training.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { SpeakerAugmentation } from '../augment/speaker';
import { speakerKey, type Split, type SplitName } from '../data/split';
import { featureSet } from '../features/sets';
import { writeModelSideFile } from '../models/model-dir';
import { zooEntry, type NeuralTrainingConfig, type ZooModelName } from '../models/zoo';
import { loadFeatureTable, makeSplit, type FeatureTable, type Normalisation } from '../train/dataset';
import type { ClassificationMetrics } from '../metrics/summary';
import type { FitEpochLog } from '../train/fit';
import { readPipelineWithSideFile } from '../train/pipeline-dir';
import { trainFold, type TrainedModelPayload } from '../train/train-model';
import { writeDirAtomic } from '../util/atomic';
import { UserError } from '../util/errors';

export interface ProtocolDefinition {
  name: string;
  /** One line for tables and captions. */
  description: string;
  corpora: string[];
  split: SplitName;
  /** The models bench/accuracy runs on it by default. */
  models: ZooModelName[];
  /** Keep only the folds whose test side is one of these speakers (`corpus/speaker`); default every fold. */
  testSpeakers?: string[];
  /** Run by bench/accuracy only when named. */
  optIn?: true;
}

const CLASSIC: ZooModelName[] = ['seed004-rf', 'seed004-svm', 'seed004-mlp'];

/** Seed of every protocol's split (the random 80/20 split's draw); models are seeded separately. */
export const PROTOCOL_SPLIT_SEED = 0;
/** Seed of the models trained by {@link runProtocol} unless told. */
export const PROTOCOL_MODEL_SEED = 42;

export const PROTOCOLS: readonly ProtocolDefinition[] = Object.freeze([
  {
    name: 'tess-random',
    description:
      'TESS, random 80/20 split stratified by emotion (seed 0): the same two voices train and test',
    corpora: ['tess'],
    split: 'random',
    models: ['seed000', 'seed001', 'seed003', ...CLASSIC],
  },
  {
    name: 'tess-speaker',
    description: 'TESS speaker-independent: train on OAF, test on YAF, and the reverse (mean of the two)',
    corpora: ['tess'],
    split: 'speaker',
    models: ['best', 'best-mlp', 'best-cnn', ...CLASSIC],
  },
  {
    name: 'ravdess-speaker',
    description: 'RAVDESS speaker-independent: 8 emotions, 5 folds grouped by actor (mean)',
    corpora: ['ravdess'],
    split: 'speaker',
    models: ['best', 'best-mlp', 'best-cnn', ...CLASSIC],
  },
  {
    // tess-speaker with every RAVDESS actor added to the training side: what more training voices buy.
    name: 'tess-speaker-ravdess',
    description: 'one TESS speaker and the RAVDESS actors train, the other TESS speaker tests',
    corpora: ['ravdess', 'tess'],
    split: 'loso',
    models: ['best'],
    testSpeakers: ['tess/OAF', 'tess/YAF'],
    optIn: true,
  },
  {
    name: 'ravdess-to-tess',
    description: 'cross-corpus: train on RAVDESS, test on TESS (shared emotions; RAVDESS calm dropped)',
    corpora: ['ravdess', 'tess'],
    split: 'cross',
    models: ['best', 'best-mlp', 'best-cnn', ...CLASSIC],
  },
]);

/** A protocol by name; a one-line error listing the names when unknown. */
export function protocolByName(name: string): ProtocolDefinition {
  const p = PROTOCOLS.find((x) => x.name === name);
  if (!p)
    throw new UserError(`unknown protocol "${name}" (valid: ${PROTOCOLS.map((x) => x.name).join(', ')})`);
  return p;
}

export interface ProtocolRunOptions {
  /** Data root holding the protocol's corpora. */
  root: string;
  /** At most this many clips per (speaker, emotion) (quick runs); default every clip. */
  limitPerClass?: number;
  /** Default 'global'. */
  normalisation?: Normalisation;
  /** Model seed; default {@link PROTOCOL_MODEL_SEED}. */
  seed?: number;
  /** Feature set; default the model's own. */
  features?: string;
  /** Overrides of the model's config. */
  config?: object;
  /** Overrides of the model's training settings (neural models). */
  training?: Partial<NeuralTrainingConfig>;
  /** Speaker augmentation of the training side: null for none; default the model's own. */
  augment?: SpeakerAugmentation | null;
  /** Keep each fold's model in `<cacheDir>/<model>/<protocol>/<fold>-<key>` and reload it on a re-run. */
  cacheDir?: string;
  /** Feature tables already loaded, by {@link tableKey} (filled as tables are loaded). */
  tables?: Map<string, FeatureTable>;
  /** After each fold (bench/accuracy adds its scikit-learn reference here). */
  onFold?: (fold: ProtocolFoldResult, context: ProtocolFoldContext) => void | Promise<void>;
  /** After every epoch of a neural model trained now. */
  onEpoch?: (log: FitEpochLog) => void;
}

export interface ProtocolFoldContext {
  table: FeatureTable;
  split: Split;
  foldIndex: number;
}

export interface ProtocolFoldResult {
  /** The fold's name in the split. */
  fold: string;
  foldIndex: number;
  /** Its test speakers (`OAF`, or `4 speakers`). */
  test: string;
  accuracy: number;
  uar: number;
  macroF1: number;
  /** The lowest recall of an emotion present in the test side. */
  minRecall: number;
  /** Seconds of fitting when the model was trained (also when it was loaded: the time it took then). */
  seconds: number;
  /** Epochs run (neural models). */
  epochs?: number;
  /** Per-epoch log of a neural model (empty for classic models). */
  history: FitEpochLog[];
  /** Whether the model came from the cache instead of being trained now. */
  cached: boolean;
  /** The fold's model directory (with `cacheDir`). */
  dir?: string;
  yTrue: number[];
  yPred: number[];
}

export interface ProtocolResult {
  model: ZooModelName;
  protocol: string;
  normalisation: Normalisation;
  features: string;
  /** Whether the training side was speaker-augmented. */
  augmented: boolean;
  folds: ProtocolFoldResult[];
  /** Means over folds. */
  accuracy: number;
  uar: number;
  macroF1: number;
  minClassRecall: number;
  /** Fitting seconds summed over folds. */
  trainSeconds: number;
}

/** The key of a feature table in {@link ProtocolRunOptions.tables}. */
export function tableKey(corpora: string[], features: string, limitPerClass?: number): string {
  return `${corpora.join('+')}/${features}/${limitPerClass ?? 'all'}`;
}

const CACHE_FILE = 'protocol-cache.json';
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sha256 = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

/** What decides a fold's trained model: the recipe, the exact clips (manifest hash), the fold and the seeds. */
export function foldCacheIdentity(
  model: ZooModelName,
  protocol: ProtocolDefinition,
  split: Split,
  foldIndex: number,
  options: Omit<ProtocolRunOptions, 'root'>,
): Record<string, unknown> {
  const entry = zooEntry(model);
  return {
    model,
    kind: entry.kind,
    config: { ...entry.defaults, ...(options.config ?? {}) },
    training: entry.kind === 'neural' ? { ...entry.training, ...options.training } : null,
    features: featureSet(options.features ?? entry.features),
    augment: augmentOf(model, options),
    normalisation: options.normalisation ?? 'global',
    protocol: { name: protocol.name, corpora: protocol.corpora, split: protocol.split },
    manifestHash: split.manifestHash,
    splitSeed: split.seed,
    fold: split.folds[foldIndex].name,
    foldIndex,
    seed: options.seed ?? PROTOCOL_MODEL_SEED,
  };
}

interface CacheRecord {
  identity: Record<string, unknown>;
  yTrue: number[];
  yPred: number[];
}

/**
 * The cached fold in `dir` for `identity`, or why it cannot serve (missing, partial, tampered, or written for
 * another identity).
 */
export function readCachedFold(
  dir: string,
  identity: Record<string, unknown>,
): { meta: TrainedModelPayload; record: CacheRecord } | string {
  const saved = readPipelineWithSideFile<CacheRecord>(dir, CACHE_FILE);
  if (typeof saved === 'string') return saved;
  if (JSON.stringify(saved.side.identity) !== JSON.stringify(identity))
    return `${CACHE_FILE} is for another recipe or data`;
  return { meta: saved.meta.payload, record: saved.side };
}

/** Train (or reload) `model` on every fold of `protocol` and score it on each fold's test side. */
export async function runProtocol(
  model: ZooModelName,
  protocolName: string,
  options: ProtocolRunOptions,
): Promise<ProtocolResult> {
  const protocol = protocolByName(protocolName);
  const entry = zooEntry(model);
  const features = options.features ?? entry.features;
  const key = tableKey(protocol.corpora, features, options.limitPerClass);
  let table = options.tables?.get(key);
  if (!table) {
    table = await loadFeatureTable(protocol.corpora, options.root, featureSet(features), {
      limitPerClass: options.limitPerClass,
      progress: false,
    });
    options.tables?.set(key, table);
  }
  if (table.rows.length === 0)
    throw new UserError(`no usable clips for protocol ${protocol.name} under ${options.root}`);
  const split = makeSplit(table, protocol.split, { seed: PROTOCOL_SPLIT_SEED });
  const byId = new Map(table.rows.map((r) => [r.id, r]));
  const normalisation = options.normalisation ?? 'global';
  const folds: ProtocolFoldResult[] = [];
  for (let f = 0; f < split.folds.length; f++) {
    const testRows = split.folds[f].test.map((id) => byId.get(id)!);
    const speakers = [...new Set(testRows.map(speakerKey))];
    if (protocol.testSpeakers && !speakers.every((s) => protocol.testSpeakers!.includes(s))) continue;
    const names = [...new Set(testRows.map((r) => r.speaker))];
    const test = names.length > 4 ? `${names.length} speakers` : names.join('+');
    const identity = foldCacheIdentity(model, protocol, split, f, options);
    const dir = options.cacheDir
      ? path.join(options.cacheDir, model, protocol.name, `${f}-${sha256(identity).slice(0, 16)}`)
      : undefined;
    const cached = dir ? readCachedFold(dir, identity) : 'no cache';
    const foldResult = (
      m: Pick<ClassificationMetrics, 'accuracy' | 'uar' | 'macroF1' | 'recall'>,
      run: { seconds: number; history: FitEpochLog[]; yTrue: number[]; yPred: number[] },
      fromCache: boolean,
    ): ProtocolFoldResult => ({
      fold: split.folds[f].name,
      foldIndex: f,
      test,
      accuracy: m.accuracy,
      uar: m.uar,
      macroF1: m.macroF1,
      minRecall: minRecall(m.recall),
      seconds: run.seconds,
      epochs: run.history.length || undefined,
      history: run.history,
      cached: fromCache,
      dir,
      yTrue: run.yTrue,
      yPred: run.yPred,
    });
    let fold: ProtocolFoldResult;
    if (typeof cached !== 'string') {
      const { training } = cached.meta;
      fold = foldResult(
        cached.meta.metrics.test,
        { ...cached.record, seconds: training.seconds, history: training.history },
        true,
      );
    } else {
      const train = (out?: string) =>
        trainFold(table, split, f, {
          model,
          seed: options.seed ?? PROTOCOL_MODEL_SEED,
          normalisation,
          splitName: protocol.split,
          augment: options.augment,
          config: options.config,
          training: options.training,
          onEpoch: options.onEpoch,
          out,
          data: { corpora: protocol.corpora, limitPerClass: options.limitPerClass ?? null },
        });
      let r: Awaited<ReturnType<typeof train>>;
      if (dir) {
        // Built beside its final place and renamed when complete: a killed run leaves no partial directory.
        let result: Awaited<ReturnType<typeof train>> | undefined;
        await writeDirAtomic(dir, async (tmp) => {
          result = await train(tmp);
          writeModelSideFile(tmp, CACHE_FILE, { identity, yTrue: result.yTrue, yPred: result.yPred });
        });
        r = result!;
      } else r = await train();
      fold = foldResult(r.metrics, r, false);
    }
    folds.push(fold);
    await options.onFold?.(fold, { table, split, foldIndex: f });
  }
  if (folds.length === 0) throw new UserError(`protocol ${protocol.name} has no fold on this data`);
  const augment = augmentOf(model, options);
  return {
    model,
    protocol: protocol.name,
    normalisation,
    features,
    augmented: augment !== null,
    folds,
    accuracy: mean(folds.map((x) => x.accuracy)),
    uar: mean(folds.map((x) => x.uar)),
    macroF1: mean(folds.map((x) => x.macroF1)),
    minClassRecall: Math.min(...folds.map((x) => x.minRecall)),
    trainSeconds: folds.reduce((s, x) => s + x.seconds, 0),
  };
}

/** The speaker augmentation a run uses: the option when given (null: none), else the model's own. */
function augmentOf(
  model: ZooModelName,
  options: Pick<ProtocolRunOptions, 'augment'>,
): SpeakerAugmentation | null {
  return options.augment === undefined ? (zooEntry(model).augment ?? null) : options.augment;
}

function minRecall(recall: Record<string, number> | number[]): number {
  return Math.min(...Object.values(recall).filter((v) => !Number.isNaN(v)));
}
