/**
 * Zoo models as tuning targets (lib/tune's TuneTarget): features loaded once, one fold of a speaker-independent
 * protocol, every trial trained by `trainFold` with the model's own training settings (epochs capped by the
 * tuning budget) and scored by accuracy on the fold's test speakers, which serve as the validation split
 * (reported after every epoch so pruners can stop a trial). The final model is trained from the best config
 * under the same settings and seed, so it reproduces the best trial's value.
 */
import {
  mlpSearchSpace,
  seed000SearchSpace,
  svmSearchSpace,
  type ModelConfig,
  type TuneTarget,
} from '../tune/ser-objective';
import type { Trial } from '../tune/trial';
import type { ParamValue } from '../tune/types';
import { featureSet } from '../features/sets';
import { zooEntry, type ZooModelName } from '../models/zoo';
import { speakerKey, SPLIT_NAMES, SPLIT_PROTOCOLS, splitName, type Split } from '../data/split';
import { UserError } from '../util/errors';
import {
  loadFeatureTable,
  makeSplit,
  resolveFold,
  type FeatureTable,
  type Normalisation,
  type SplitName,
} from './dataset';
import { trainFold, type TrainFoldOptions, type TrainFoldResult } from './train-model';

export interface ZooTuneOptions {
  model: string;
  corpora: string[];
  root: string;
  /** Protocol; default 'speaker' (TESS: fold 0 trains on YAF and validates on OAF, fold 1 the reverse). */
  split?: SplitName;
  /** Default 0. */
  fold?: number;
  /** Default 'global'. */
  normalisation?: Normalisation;
  limitPerClass?: number;
  /**
   * Seed of every trial's initial weights, batches and dropout (the same for all, so configs compare fairly) and
   * of the `limitPerClass` subset. Default 42.
   */
  seed?: number;
  /** Per-trial epoch budget of neural models (default: the model's own). */
  epochs?: number;
  progress?: boolean;
  /** Model directory the final model is written to. */
  out?: string;
  /**
   * Features and split made by the caller, used instead of loading `corpora` and making `split` (e.g. the
   * inner split of `trainValidationTestSplit`, so that the test speakers stay out of tuning altogether).
   */
  prepared?: { table: FeatureTable; split: Split };
}

interface Space {
  searchSpace(trial: Trial): ModelConfig;
  /** The zoo default config in the space's parameter names. */
  defaultParams(defaults: Record<string, unknown>): Record<string, ParamValue>;
}

const num = (v: unknown): number => v as number;

/** The search space of a zoo model: seed000's own, else one by config kind (SVM, MLP). */
function spaceOf(model: ZooModelName): Space {
  const defaults = zooEntry(model).defaults as unknown as Record<string, unknown>;
  if (model === 'seed000')
    return {
      searchSpace: seed000SearchSpace,
      defaultParams: (d) => ({
        filters: num(d.conv1Filters),
        lstm_units: num(d.lstmUnits),
        dense_units: num(d.denseUnits),
        dropout: num(d.dropout),
        learning_rate: num(d.learningRate),
      }),
    };
  if (defaults.kind === 'svm')
    return {
      searchSpace: svmSearchSpace,
      defaultParams: (d) => ({ C: num(d.C), gamma: d.gamma as ParamValue }),
    };
  if (defaults.kind === 'mlp')
    return {
      searchSpace: mlpSearchSpace,
      defaultParams: (d) => {
        const hidden = d.hidden as number[];
        return {
          hidden1: hidden[0],
          hidden2: hidden[1],
          dropout: num(d.dropout),
          l2: num(d.l2),
          learning_rate: num(d.learningRate),
        };
      },
    };
  throw new UserError(`tune: model "${model}" has no search space (tunable: seed000 and SVM or MLP models)`);
}

/** A zoo model on one fold of `corpora` as a tuning target (loads the features now). */
export async function zooTuneTarget(
  options: ZooTuneOptions,
): Promise<TuneTarget & { lastResult?: TrainFoldResult }> {
  let entry;
  try {
    entry = zooEntry(options.model);
  } catch (err) {
    throw new UserError(`tune: ${(err as Error).message}`);
  }
  const model = options.model as ZooModelName;
  const space = spaceOf(model);
  const seed = options.seed ?? 42;
  const table =
    options.prepared?.table ??
    (await loadFeatureTable(options.corpora, options.root, featureSet(entry.features), {
      limitPerClass: options.limitPerClass,
      seed,
      progress: options.progress,
    }));
  if (table.rows.length === 0)
    throw new UserError(`tune: no usable clips in ${options.corpora.join(', ')} under ${options.root}`);
  if (options.prepared && table.features.name !== featureSet(entry.features).name)
    throw new UserError(
      `tune: ${model} reads ${entry.features} features, the prepared table has ${table.features.name}`,
    );
  const protocol = splitName(options.split ?? 'speaker');
  if (!SPLIT_PROTOCOLS[protocol].speakerIndependent && !options.prepared)
    throw new UserError(
      `tune: --split ${protocol} is not speaker-independent; use ${SPLIT_NAMES.filter((n) => SPLIT_PROTOCOLS[n].speakerIndependent).join(', ')}`,
    );
  const split = options.prepared?.split ?? makeSplit(table, protocol, { seed });
  const foldIndex = resolveFold(split, table.rows, options.fold ?? 0);
  const fold = split.folds[foldIndex];
  const training = options.epochs !== undefined ? { epochs: options.epochs } : undefined;
  const run = (config: ModelConfig, extra: Pick<TrainFoldOptions, 'onTestAccuracy' | 'out'>) =>
    trainFold(table, split, foldIndex, {
      model,
      config,
      training,
      normalisation: options.normalisation,
      seed,
      splitName: protocol,
      ...extra,
    });
  const testIds = new Set(fold.test);
  const testSpeakers = [...new Set(table.rows.filter((r) => testIds.has(r.id)).map(speakerKey))];
  const target: TuneTarget & { lastResult?: TrainFoldResult } = {
    describe: `${model} on ${options.corpora.join('+')} ${options.prepared ? split.protocol : protocol} ${fold.name}: validation = test side (speakers ${testSpeakers.join(', ')}${split.speakerIndependent ? '' : '; NOT speaker-independent'}), ${options.normalisation ?? 'global'} normalisation, seed ${seed}`,
    searchSpace: space.searchSpace,
    defaultParams: space.defaultParams(entry.defaults as unknown as Record<string, unknown>),
    async train(config, onEpoch) {
      const result = await run(config, { onTestAccuracy: onEpoch });
      target.lastResult = result;
      return result.metrics.accuracy;
    },
  };
  if (options.out !== undefined) {
    const out = options.out;
    target.trainFinal = async (config) => {
      target.lastResult = await run(config, { out });
      return out;
    };
  }
  return target;
}
