/**
 * The hook between lib/tune and the SER models: a model registers a {@link TuneTarget} (its search space,
 * a training run on a speaker-independent validation split that reports validation accuracy per epoch, and
 * the final training from the best config); `serObjective` turns it into an objective that reports every
 * epoch and stops pruned trials. `ser tune --model NAME` uses a registered target, else `zooTuneTarget`. The seed000 search space (filters,
 * LSTM units, dense units, dropout and learning rate) and generic SVM and MLP spaces are
 * defined here; lib/train's `zooTuneTarget` binds them to zoo models and a corpus split.
 */
import type { Objective } from './study';
import type { Trial } from './trial';
import { TrialPruned, type JsonValue, type ParamValue } from './types';

export type ModelConfig = Record<string, JsonValue>;

export interface TuneTarget {
  /** Samples a model configuration. */
  searchSpace(trial: Trial): ModelConfig;
  /**
   * Trains with `config` on the tuning split; calls `onEpoch` after every epoch with the validation accuracy
   * and stops early when it returns true (pruned). Resolves to the final validation accuracy.
   */
  train(
    config: ModelConfig,
    onEpoch: (epoch: number, valAccuracy: number) => Promise<boolean>,
  ): Promise<number>;
  /** One line naming the model, data and validation split (printed by `ser tune`). */
  describe?: string;
  /** The parameters (as searchSpace names them) of the untuned default config, to enqueue as a baseline. */
  defaultParams?: Record<string, ParamValue>;
  /** Trains the final model from the best configuration and returns where it was saved. */
  trainFinal?(config: ModelConfig): Promise<string>;
}

const targets = new Map<string, TuneTarget>();

/** Makes a model tunable by `ser tune --model NAME`. */
export function registerTuneTarget(name: string, target: TuneTarget): void {
  targets.set(name, target);
}

export function getTuneTarget(name: string): TuneTarget | undefined {
  return targets.get(name);
}

export function tuneTargetNames(): string[] {
  return [...targets.keys()].sort();
}

/**
 * Seed 000's search space: Conv1D filters (the second conv keeps the default's twice the first), BiLSTM units
 * per direction, dense units, dropout and Adam's learning rate, as overrides of its config. Capped where the
 * 2-core training time grows fastest (LSTM units ≤ 128).
 */
export function seed000SearchSpace(trial: Trial): ModelConfig {
  const filters = trial.suggestInt('filters', 16, 128, { log: true });
  return {
    conv1Filters: filters,
    conv2Filters: 2 * filters,
    lstmUnits: trial.suggestInt('lstm_units', 16, 128, { log: true }),
    denseUnits: trial.suggestInt('dense_units', 16, 256, { log: true }),
    dropout: trial.suggestFloat('dropout', 0, 0.6),
    learningRate: trial.suggestFloat('learning_rate', 1e-4, 1e-2, { log: true }),
  };
}

/** An RBF SVM's search space: C (log) and the kernel width ('scale' or a value), as config overrides. */
export function svmSearchSpace(trial: Trial): ModelConfig {
  return {
    C: trial.suggestFloat('C', 0.1, 1000, { log: true }),
    gamma: trial.suggestCategorical('gamma', ['scale', 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2]),
  };
}

/** An MLP's search space: two hidden layers, dropout, L2 and learning rate, as config overrides. */
export function mlpSearchSpace(trial: Trial): ModelConfig {
  return {
    hidden: [
      trial.suggestInt('hidden1', 32, 512, { log: true }),
      trial.suggestInt('hidden2', 16, 256, { log: true }),
    ],
    dropout: trial.suggestFloat('dropout', 0, 0.6),
    l2: trial.suggestFloat('l2', 1e-6, 1e-2, { log: true }),
    learningRate: trial.suggestFloat('learning_rate', 1e-4, 1e-2, { log: true }),
  };
}

/** User attribute under which {@link serObjective} stores each trial's model config. */
export const CONFIG_ATTR = 'config';

/**
 * An objective maximising validation accuracy, reporting each epoch and pruning (use direction 'maximize').
 * Each trial's config is kept as its user attribute `config`, so the best one can be trained again.
 */
export function serObjective(target: TuneTarget): Objective {
  return async (trial) => {
    const config = target.searchSpace(trial);
    trial.setUserAttr(CONFIG_ATTR, config);
    let pruned = false;
    const accuracy = await target.train(config, async (epoch, valAccuracy) => {
      trial.report(valAccuracy, epoch);
      pruned = await trial.shouldPrune();
      return pruned;
    });
    if (pruned) throw new TrialPruned();
    return accuracy;
  };
}
