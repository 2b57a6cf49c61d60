/** Uniform random sampling (Optuna's RandomSampler), in log space for log distributions. */
import { fromSampleSpace, sampleBounds, type Distribution } from '../distributions';
import { TuneRng } from '../rng';
import type { Sampler } from './sampler';

export class RandomSampler implements Sampler {
  private readonly rng: TuneRng;
  /** @param options.seed makes the sequence reproducible (default: random). */
  constructor(options: { seed?: number } = {}) {
    this.rng = new TuneRng(options.seed);
  }
  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }
  sampleRelative(): Record<string, number> {
    return {};
  }
  sampleIndependent(_study: unknown, _trial: unknown, _name: string, d: Distribution): number {
    return sampleUniform(this.rng, d);
  }
}

/** One uniform draw from a distribution, internal representation. */
export function sampleUniform(rng: TuneRng, d: Distribution): number {
  if (d.type === 'categorical') return rng.int(d.choices.length);
  const { low, high } = sampleBounds(d);
  return fromSampleSpace(d, rng.uniform(low, high));
}
