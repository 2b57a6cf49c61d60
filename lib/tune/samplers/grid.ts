/**
 * Grid search (Optuna's GridSampler): every combination of the given values once, in random order; the grid
 * cell of each trial is stored in its system attributes so that workers sharing a study split the grid.
 */
import { toInternal, type Distribution } from '../distributions';
import { TuneRng } from '../rng';
import type { FrozenTrial, ParamValue, StudyView } from '../types';
import type { Sampler } from './sampler';

const GRID_ID = 'grid_id';

export class GridSampler implements Sampler {
  private readonly names: string[];
  private readonly size: number;
  private readonly rng: TuneRng;

  /**
   * @param searchSpace parameter name → the values to try.
   * @param options.seed order in which unvisited cells are picked (default: random).
   */
  constructor(
    private readonly searchSpace: Record<string, readonly ParamValue[]>,
    options: { seed?: number } = {},
  ) {
    this.names = Object.keys(searchSpace).sort();
    this.size = this.names.reduce((n, k) => n * searchSpace[k].length, 1);
    if (this.size === 0) throw new RangeError('grid sampler: every parameter needs at least one value');
    this.rng = new TuneRng(options.seed);
  }

  /** Total number of grid cells. */
  get gridSize(): number {
    return this.size;
  }

  private takenIds(study: StudyView, states: ReadonlySet<string>): Set<number> {
    const ids = new Set<number>();
    for (const t of study.trials) {
      const id = t.systemAttrs[GRID_ID];
      if (typeof id === 'number' && states.has(t.state)) ids.add(id);
    }
    return ids;
  }

  beforeTrial(study: StudyView, trial: FrozenTrial): Record<string, number> {
    // Prefer cells nobody has run or is running; once all are taken, cells not yet finished.
    const others: StudyView = { ...study, trials: study.trials.filter((t) => t.trialId !== trial.trialId) };
    let taken = this.takenIds(others, new Set(['running', 'complete', 'pruned', 'fail']));
    if (taken.size >= this.size) taken = this.takenIds(others, new Set(['complete', 'pruned']));
    const free: number[] = [];
    for (let i = 0; i < this.size; i++) if (!taken.has(i)) free.push(i);
    const id = free.length > 0 ? free[this.rng.int(free.length)] : this.rng.int(this.size);
    return { [GRID_ID]: id };
  }

  isExhausted(study: StudyView): boolean {
    return this.takenIds(study, new Set(['complete', 'pruned', 'fail'])).size >= this.size;
  }

  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }
  sampleRelative(): Record<string, number> {
    return {};
  }

  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, d: Distribution): number {
    const values = this.searchSpace[name];
    const id = trial.systemAttrs[GRID_ID];
    if (values === undefined) throw new RangeError(`grid sampler: "${name}" is not in the grid`);
    if (typeof id !== 'number') throw new Error('grid sampler: trial has no grid id');
    // Mixed-radix decode of the cell id, parameters in sorted order.
    let rest = id;
    let index = 0;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const n = this.searchSpace[this.names[i]].length;
      if (this.names[i] === name) index = rest % n;
      rest = Math.floor(rest / n);
    }
    return toInternal(d, d.type === 'categorical' ? values[index] : (values[index] as number));
  }
}
