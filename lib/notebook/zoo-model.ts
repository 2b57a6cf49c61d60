/**
 * The zoo models the notebooks share: 05-training trains them into `models/<zoo-name>`, 06-evaluation and
 * 07-inference load them from there, and train them themselves when the directory is missing or stale, so
 * that each notebook also runs on its own. One plan fixes what "the notebook model" is (corpora,
 * speaker-independent protocol, fold, subset and epoch budget by mode), so all three agree on it.
 */
import * as path from 'node:path';
import { resolveDataRoot } from '../data/root';
import { splitName } from '../data/split';
import { buildManifest, manifestHash } from '../data/manifest';
import { readModelMeta, writeModelSideFile, type SerModelMeta } from '../models/model-dir';
import { featureSet } from '../features/sets';
import { zooEntry, type NeuralTrainingConfig, type ZooModelName } from '../models/zoo';
import type { FoldChoice, Normalisation, SplitName } from '../train/dataset';
import type { FitEpochLog } from '../train/fit';
import { trainModel, type TrainFoldResult, type TrainedModelPayload } from '../train/train-model';
import { readPipelineWithSideFile } from '../train/pipeline-dir';
import { projectRoot } from '../util/paths';
import { learningRateDrops, trainingCurvesFigure } from '../viz/figures';
import type { PlotlyFigure } from '../viz/plotly';
import { prepareNotebookCorpora } from './explore';
import type { TableRow } from '../viz/html';
import type { LiveFigure } from './index';

/** Everything that decides which model a notebook gets; stored beside the model as `request.json`. */
export interface ZooModelRequest {
  model: ZooModelName;
  /** Corpora under the data root (for `cross`, the last is the test corpus). */
  corpora: string[];
  split: SplitName;
  fold: FoldChoice;
  /** At most this many clips per (speaker, emotion); null: every clip. */
  limitPerClass: number | null;
  seed: number;
  /** `global` (z-score fitted on the training side; predicts single clips) or `per-speaker` (lib/train/dataset). */
  normalisation: Normalisation;
  /** Overrides of the zoo's training settings (neural models): the notebooks' epoch budget. */
  training: Partial<NeuralTrainingConfig>;
  /**
   * Manifest hash of every clip of the corpora (ids, labels, audio content), filled by {@link ensureZooModel}:
   * the subset is drawn from them by `limitPerClass` and `seed`, so changed clips make another request.
   */
  manifestHash?: string;
}

/** Clips per (speaker, emotion) in quick mode (`SER_QUICK=1`). */
export const QUICK_CLIPS_PER_CLASS = 2;
/** Epochs of neural models in quick mode. */
export const QUICK_EPOCHS = 2;
/**
 * Full mode's budget for sequence models (CNN, CNN-BiLSTM), which take seconds per epoch on two shared cores:
 * a balanced subset of this many clips per (speaker, emotion) (6 of RAVDESS's 8 and of TESS's 200), at most
 * {@link FULL_SEQUENCE_EPOCHS} epochs, and callbacks patient enough to act within them.
 */
export const FULL_SEQUENCE_CLIPS_PER_CLASS = 6;
export const FULL_SEQUENCE_EPOCHS = 8;
const FULL_SEQUENCE_CALLBACKS = { earlyStoppingPatience: 4, reduceLrPatience: 2 };

/**
 * The notebooks' plan for `model`: speaker-independent (grouped k-fold by speaker, the fold with the most test
 * speakers), seed 42. Quick mode: {@link QUICK_CLIPS_PER_CLASS} clips per speaker and emotion and
 * {@link QUICK_EPOCHS} epochs. Full mode: classic models and MLPs on every clip with the zoo's own settings;
 * sequence models on the budget above.
 */
export function notebookModelPlan(model: ZooModelName, corpora: string[], quick: boolean): ZooModelRequest {
  const entry = zooEntry(model);
  const base = {
    model,
    corpora: [...corpora],
    split: 'speaker' as const,
    fold: 'most-speakers' as const,
    seed: 42,
    normalisation: 'global' as const,
  };
  if (quick) {
    return {
      ...base,
      limitPerClass: QUICK_CLIPS_PER_CLASS,
      training: entry.kind === 'neural' ? { epochs: QUICK_EPOCHS } : {},
    };
  }
  if (entry.kind === 'neural' && entry.training.frames !== null) {
    return {
      ...base,
      limitPerClass: FULL_SEQUENCE_CLIPS_PER_CLASS,
      training: { epochs: Math.min(entry.training.epochs, FULL_SEQUENCE_EPOCHS), ...FULL_SEQUENCE_CALLBACKS },
    };
  }
  return { ...base, limitPerClass: null, training: {} };
}

export interface EnsureZooModelOptions {
  /** Data root. Default: `SER_DATA_DIR`, else the project's `data/`. */
  root?: string;
  /** Default: TESS and RAVDESS when present, else the synthetic sample ({@link prepareNotebookCorpora}). */
  corpora?: string[];
  /** Default: `SER_QUICK === '1'`. */
  quick?: boolean;
  /** Replace parts of the plan (another split, fold, subset or epoch budget). */
  request?: Partial<Omit<ZooModelRequest, 'model'>>;
  /** Where model directories live. Default: `models/` in the project. */
  modelsDir?: string;
  /** Train even when a valid directory exists (notebook 05 trains in front of the learner). */
  retrain?: boolean;
  /** Called after every epoch of a neural model (live curves). */
  onEpoch?: (log: FitEpochLog) => void;
}

export interface ZooModel {
  name: ZooModelName;
  /** The model directory (`models/<name>`). */
  dir: string;
  /** Whether this call trained it (false: loaded from `dir`). */
  trained: boolean;
  /** Wall seconds of this call (loading or training, features included). */
  seconds: number;
  request: ZooModelRequest;
  meta: SerModelMeta<TrainedModelPayload>;
  /** Training history (empty for classic models). */
  history: FitEpochLog[];
  /** The result of training, when this call trained. */
  result?: TrainFoldResult;
}

const REQUEST_FILE = 'request.json';
const json = (x: unknown) => JSON.stringify(x);

/**
 * Why `dir` cannot serve `request` (missing, partial or tampered files, written for another request, or by
 * another version of the zoo entry), or null when it can.
 */
export function zooModelMismatch(dir: string, request: ZooModelRequest): string | null {
  const saved = readZooModelDir(dir, request);
  return typeof saved === 'string' ? saved : null;
}

/** The metadata of `dir` (checksums verified once) when it serves `request`, else why not. */
function readZooModelDir(dir: string, request: ZooModelRequest): SerModelMeta<TrainedModelPayload> | string {
  const saved = readPipelineWithSideFile<ZooModelRequest>(dir, REQUEST_FILE);
  if (typeof saved === 'string') return saved;
  const meta = saved.meta;
  if (json(saved.side) !== json(request)) return `trained for another request (${REQUEST_FILE} differs)`;
  // The zoo entry may have changed since (another config, feature set or training schedule).
  const entry = zooEntry(request.model);
  const p = meta.payload;
  if (p.model.name !== request.model || p.model.kind !== entry.kind) return 'another model';
  if (json(p.model.config) !== json(entry.defaults)) return 'the zoo config changed';
  if (json(p.features) !== json(featureSet(entry.features))) return 'the zoo feature set changed';
  const training = entry.kind === 'neural' ? { ...entry.training, ...request.training } : null;
  if (json(p.model.training) !== json(training)) return 'the zoo training settings changed';
  if (json(p.model.augment ?? null) !== json(entry.augment ?? null))
    return 'the zoo speaker augmentation changed';
  return meta;
}

const corporaHashes = new Map<string, string>();

/** The manifest hash of `corpora` under `root`, once per process (a kernel restart sees changed clips). */
async function corporaHash(root: string, corpora: string[]): Promise<string> {
  const key = JSON.stringify([path.resolve(root), corpora]);
  let hash = corporaHashes.get(key);
  if (hash === undefined) {
    hash = manifestHash((await buildManifest({ corpora, root, progress: false })).rows);
    corporaHashes.set(key, hash);
  }
  return hash;
}

/**
 * `models/<name>` trained under the notebooks' plan ({@link notebookModelPlan}): loaded when the directory is
 * there and valid for the same request, else trained (and written) now.
 */
export async function ensureZooModel(
  name: ZooModelName,
  options: EnsureZooModelOptions = {},
): Promise<ZooModel> {
  const t0 = Date.now();
  const root = resolveDataRoot(options.root);
  const corpora = options.corpora ?? (await prepareNotebookCorpora({ root })).corpora;
  const quick = options.quick ?? process.env.SER_QUICK === '1';
  const request: ZooModelRequest = {
    ...notebookModelPlan(name, corpora, quick),
    ...options.request,
    model: name,
    manifestHash: await corporaHash(root, corpora),
  };
  const dir = path.join(options.modelsDir ?? path.join(projectRoot(), 'models'), name);
  const saved = options.retrain ? 'retrain' : readZooModelDir(dir, request);
  if (typeof saved !== 'string') {
    const meta = saved;
    const seconds = (Date.now() - t0) / 1000;
    return { name, dir, trained: false, seconds, request, meta, history: meta.payload.training.history };
  }
  const result = await trainModel({
    model: name,
    corpora: request.corpora,
    root,
    split: request.split,
    fold: request.fold,
    limitPerClass: request.limitPerClass ?? undefined,
    seed: request.seed,
    normalisation: request.normalisation,
    training: request.training,
    onEpoch: options.onEpoch,
    progress: false,
    out: dir,
  });
  writeModelSideFile(dir, REQUEST_FILE, request);
  const meta = readModelMeta<TrainedModelPayload>(dir);
  const seconds = (Date.now() - t0) / 1000;
  return { name, dir, trained: true, seconds, request, meta, history: result.history, result };
}

/** The zoo's training settings with the request's overrides (null for classic models). */
export function requestTraining(request: ZooModelRequest): NeuralTrainingConfig | null {
  const entry = zooEntry(request.model);
  return entry.kind === 'neural' ? { ...entry.training, ...request.training } : null;
}

/** What the callbacks did while training a model, read from its stored history and settings. */
export interface TrainingOutcome {
  /** The epoch budget (null: classic model, no epochs). */
  maxEpochs: number | null;
  epochsRun: number;
  /** Early stopping ended training before the budget. */
  stoppedEarly: boolean;
  /** The epoch whose weights were kept (EarlyStopping restores the best one), if any. */
  bestEpoch?: number;
  /** Epochs that started with a reduced learning rate (ReduceLROnPlateau), with the new rate. */
  lrDrops: { epoch: number; lr: number }[];
}

export function trainingOutcome(model: ZooModel): TrainingOutcome {
  const training = requestTraining(model.request);
  const history = model.history;
  const final = model.meta.payload.training.finalEpoch;
  return {
    maxEpochs: training?.epochs ?? null,
    epochsRun: history.length,
    stoppedEarly: training !== null && history.length < training.epochs,
    ...(final !== null && training !== null && training.earlyStoppingPatience > 0
      ? { bestEpoch: final }
      : {}),
    lrDrops: learningRateDrops(history),
  };
}

/** One line per protocol and fold, e.g. "speaker-independent, grouped 5-fold by speaker, fold 3/5 (tess+ravdess)". */
export function describeZooProtocol(model: ZooModel): string {
  const s = model.meta.payload.split;
  const kind =
    splitName(s.protocol) === 'speaker'
      ? `speaker-independent, ${s.fold} by speaker`
      : `${s.protocol}, ${s.fold}`;
  return `${kind} (${model.request.corpora.join('+')})`;
}

/** The final training curves of `model`, with its callbacks' actions marked; the title names the protocol. */
export function zooTrainingFigure(model: ZooModel): PlotlyFigure {
  const o = trainingOutcome(model);
  if (o.maxEpochs === null) throw new Error(`${model.name} is a classic model: it has no training curves`);
  const ended = o.stoppedEarly
    ? `early stopping after ${o.epochsRun} of ${o.maxEpochs} epochs`
    : `${o.epochsRun} epochs`;
  return trainingCurvesFigure(model.history, {
    title:
      `${model.name}: loss (cross-entropy) and accuracy per epoch, ${ended}<br>` +
      `<sub>${describeZooProtocol(model)}; validation = 10 % of the training speakers' clips</sub>`,
    stoppedEarly: o.stoppedEarly,
    bestEpoch: o.bestEpoch,
  });
}

/** An `onEpoch` hook redrawing `name`'s curves so far in `live` after every epoch. */
export function liveTrainingCurves(live: LiveFigure, name: string): (log: FitEpochLog) => void {
  const history: FitEpochLog[] = [];
  return (log) => {
    history.push(log);
    live.update(
      trainingCurvesFigure(history, {
        title:
          `${name}: training… epoch ${log.epoch}, loss ${log.loss.toFixed(3)}, validation loss ` +
          `${log.valLoss.toFixed(3)}, learning rate ${log.lr.toExponential(1)}`,
      }),
    );
  };
}

/** One row of the notebooks' plan table: what each model is trained on and for how long. */
export function planRow(request: ZooModelRequest): TableRow {
  const entry = zooEntry(request.model);
  const t = requestTraining(request);
  return {
    model: request.model,
    kind: entry.kind,
    features: entry.features,
    'clips per speaker × emotion': request.limitPerClass ?? 'all',
    'max epochs': t?.epochs ?? '–',
    'early-stopping patience': t ? t.earlyStoppingPatience || 'off' : '–',
    'LR-plateau patience': t ? t.reduceLrPatience || 'off' : '–',
    'class weights': t?.classWeights ?? '–',
  };
}

/** "loaded from cache (models/best)" or "trained in 12.3 s": what this run did for `model`. */
export function cacheNote(model: ZooModel): string {
  return model.trained
    ? `trained in ${model.seconds.toFixed(1)} s`
    : `loaded from cache (${path.basename(path.dirname(model.dir))}/${path.basename(model.dir)})`;
}

/** One row of the notebooks' results table: how training went and how the model did on the test speakers. */
export function resultRow(model: ZooModel): TableRow {
  const p = model.meta.payload;
  const o = trainingOutcome(model);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return {
    model: model.name,
    input: p.shape.join(' × '),
    epochs: o.maxEpochs === null ? '–' : `${o.epochsRun} / ${o.maxEpochs}`,
    'early stop': o.maxEpochs === null ? '–' : o.stoppedEarly ? 'yes' : 'no',
    'kept epoch': o.bestEpoch ?? '–',
    'LR reductions': o.maxEpochs === null ? '–' : o.lrDrops.length,
    'fit (s)': Number(p.training.seconds.toFixed(1)),
    'this run': cacheNote(model),
    'test fold': p.split.fold,
    'test clips': p.metrics.test.n,
    accuracy: pct(p.metrics.test.accuracy),
    UAR: pct(p.metrics.test.uar),
    'macro F1': pct(p.metrics.test.macroF1),
  };
}
