/**
 * The hook between lib/tune and the SER models: a model registers a {@link TuneTarget} (its search space,
 * a training run on a speaker-independent validation split that reports validation accuracy per epoch, and
 * the final training from the best config); `serObjective` turns it into an objective that reports every
 * epoch and stops pruned trials. `ser tune --model NAME` uses the registry. The seed000 search space (the
 * issue's filters, LSTM units, dense units, dropout and learning rate) is defined here; its training
 * function comes with the models issue (lib/models/seed000.ts).
 */
import type { Objective } from './study';
import type { Trial } from './trial';
import { TrialPruned, type JsonValue } from './types';

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

/** Seed 000's search space: Conv1D filters, LSTM units, dense units, dropout, Adam learning rate. */
export function seed000SearchSpace(trial: Trial): ModelConfig {
  return {
    filters: trial.suggestInt('filters', 16, 128, { log: true }),
    lstmUnits: trial.suggestInt('lstm_units', 16, 256, { log: true }),
    denseUnits: trial.suggestInt('dense_units', 16, 256, { log: true }),
    dropout: trial.suggestFloat('dropout', 0, 0.6),
    learningRate: trial.suggestFloat('learning_rate', 1e-4, 1e-2, { log: true }),
  };
}

/** An objective maximising validation accuracy, reporting each epoch and pruning (use direction 'maximize'). */
export function serObjective(target: TuneTarget): Objective {
  return async (trial) => {
    const config = target.searchSpace(trial);
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
