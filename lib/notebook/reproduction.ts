/**
 * Notebook 05's reproduction of the seed systems: each seed model on its own protocol (TESS random 80/20) and on
 * the speaker-independent ones, through the protocol registry's runner (lib/evaluate/protocols.ts), so every
 * figure equals bench/accuracy's for the same model, protocol and seed. Each fold's model is cached under
 * `models/protocols/`, keyed by recipe, clips and seeds: a re-run reloads it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  runProtocol,
  protocolByName,
  type ProtocolFoldResult,
  type ProtocolResult,
} from '../evaluate/protocols';
import type { ZooModelName } from '../models/zoo';
import type { Normalisation } from '../train/dataset';
import type { FitEpochLog } from '../train/fit';
import { projectRoot } from '../util/paths';
import { formatPercent, trainingCurvesFigure } from '../viz/figures';
import type { TableRow } from '../viz/html';
import type { LiveFigure } from './index';
import { QUICK_CLIPS_PER_CLASS, QUICK_EPOCHS, liveTrainingCurves } from './zoo-model';

/** A seed project, the zoo model that rebuilds it, and the test figure its write-up publishes (if any). */
export interface SeedSystem {
  model: ZooModelName;
  /** Published test result on its own protocol (TESS random split), or null when the write-up gives none. */
  published: string | null;
}

export const SEED_SYSTEMS: readonly SeedSystem[] = Object.freeze([
  { model: 'seed000', published: null },
  { model: 'seed001', published: null },
  { model: 'seed002', published: 'accuracy 94.39 %' },
  { model: 'seed003', published: 'accuracy 96.90 %, F1 0.9686' },
  { model: 'seed004-rf', published: null },
  { model: 'seed004-svm', published: null },
  { model: 'seed004-mlp', published: null },
]);

/** One protocol run of the reproduction: the seed's own protocol, or a speaker-independent one. */
export interface ReproductionRun {
  protocol: string;
  normalisation: Normalisation;
}

/**
 * The runs per seed model: TESS random 80/20 with the seed's own (global) normalisation, and the
 * speaker-independent protocols with per-speaker normalisation, the measured best for these models
 * (docs/experiments.md). `speakerProtocols` picks which speaker-independent protocols run (full mode's budget).
 */
export function reproductionRuns(
  speakerProtocols: string[] = ['tess-speaker', 'ravdess-speaker'],
): ReproductionRun[] {
  return [
    { protocol: 'tess-random', normalisation: 'global' },
    ...speakerProtocols.map((protocol) => ({ protocol, normalisation: 'per-speaker' as const })),
  ];
}

export interface ReproduceOptions {
  root: string;
  /** Quick mode: {@link QUICK_CLIPS_PER_CLASS} clips per speaker and emotion, {@link QUICK_EPOCHS} epochs. */
  quick: boolean;
  /** Default: `models/protocols` in the project. */
  cacheDir?: string;
  /** Default {@link reproductionRuns}(). */
  runs?: ReproductionRun[];
  /** Runs not trained now but read from this bench/accuracy measurement file when it has them ({@link measuredFigure}). */
  measured?: { file: string; runs: ReproductionRun[] };
  /** Redrawn with the curves of the first run's first fold while it trains, then with its final curves. */
  live?: LiveFigure;
  /** One line per fold: trained (with its time) or loaded from the cache. */
  log?: (line: string) => void;
}

/** One protocol's figures for a model: run now (trained or loaded from the cache) or read from a measurement. */
export interface ReproductionFigure {
  protocol: string;
  normalisation: Normalisation;
  /** Means over folds. */
  accuracy: number;
  uar: number;
  macroF1: number;
  folds: number;
  /** Folds trained by this run, and their fitting seconds (0 when loaded or measured). */
  trained: number;
  trainedSeconds: number;
  /** `run`: computed by this run; else the measurement file it was read from. */
  source: string;
}

/** The results of one seed model on every run. */
export interface SeedReproduction {
  model: ZooModelName;
  results: ReproductionFigure[];
}

/** A runner result as a {@link ReproductionFigure}. */
export function protocolFigure(r: ProtocolResult): ReproductionFigure {
  const trained = r.folds.filter((f) => !f.cached);
  return {
    protocol: r.protocol,
    normalisation: r.normalisation,
    accuracy: r.accuracy,
    uar: r.uar,
    macroF1: r.macroF1,
    folds: r.folds.length,
    trained: trained.length,
    trainedSeconds: trained.reduce((s, f) => s + f.seconds, 0),
    source: 'run',
  };
}

/** A bench/accuracy output (`--out FILE`): what it was run with and its rows. */
export interface MeasuredProtocols {
  command?: string;
  date?: string;
  loadAverage?: number[];
  rows: {
    model: string;
    protocol: string;
    normalisation: Normalisation;
    accuracy: number;
    uar: number;
    macroF1: number;
    trainSeconds: number;
    folds: unknown[];
  }[];
}

/** The figures of `model` on `run` in a bench/accuracy measurement file, or undefined when it has none. */
export function measuredFigure(
  file: string,
  model: ZooModelName,
  run: ReproductionRun,
): ReproductionFigure | undefined {
  const measured = JSON.parse(fs.readFileSync(file, 'utf8')) as MeasuredProtocols;
  const row = measured.rows.find(
    (r) => r.model === model && r.protocol === run.protocol && r.normalisation === run.normalisation,
  );
  if (!row) return undefined;
  return {
    protocol: row.protocol,
    normalisation: row.normalisation,
    accuracy: row.accuracy,
    uar: row.uar,
    macroF1: row.macroF1,
    folds: row.folds.length,
    trained: 0,
    trainedSeconds: 0,
    source: path.basename(file),
  };
}

/** The quick-mode subset and epoch budget, or the full recipe (every clip, the zoo's own schedule). */
function budget(quick: boolean) {
  return quick ? { limitPerClass: QUICK_CLIPS_PER_CLASS, training: { epochs: QUICK_EPOCHS } } : {};
}

/** "seed000 · tess-random · fold 1/1 (test OAF+YAF): trained in 162.3 s, accuracy 99.6 %, UAR 99.6 %". */
export function foldLine(model: string, protocol: string, fold: ProtocolFoldResult): string {
  const how = fold.cached
    ? `loaded from cache (trained earlier in ${fold.seconds.toFixed(1)} s)`
    : `trained in ${fold.seconds.toFixed(1)} s`;
  return `${model} · ${protocol} · ${fold.fold} (test ${fold.test}): ${how}, accuracy ${formatPercent(fold.accuracy)}, UAR ${formatPercent(fold.uar)}`;
}

/** Train (or reload) `model` on every reproduction run. */
export async function reproduceSeed(
  model: ZooModelName,
  options: ReproduceOptions,
): Promise<SeedReproduction> {
  const cacheDir = options.cacheDir ?? path.join(projectRoot(), 'models', 'protocols');
  const results: ReproductionFigure[] = [];
  // Measured runs the file lacks stay out of the results (the table shows them as not measured).
  const measured = options.measured;
  if (measured && fs.existsSync(measured.file))
    for (const run of measured.runs) {
      const figure = measuredFigure(measured.file, model, run);
      if (figure) results.push(figure);
    }
  const runs = options.runs ?? reproductionRuns();
  for (const run of runs) {
    const live = run === runs[0] ? options.live : undefined;
    let onEpoch: ((log: FitEpochLog) => void) | undefined;
    const result = await runProtocol(model, run.protocol, {
      root: options.root,
      normalisation: run.normalisation,
      cacheDir,
      ...budget(options.quick),
      onEpoch: live
        ? (log) => {
            if (log.epoch === 1 || !onEpoch) onEpoch = liveTrainingCurves(live, `${model} · ${run.protocol}`);
            onEpoch(log);
          }
        : undefined,
      onFold: (fold) => options.log?.(foldLine(model, run.protocol, fold)),
    });
    results.push(protocolFigure(result));
    const first = result.folds[0];
    if (live && first.history.length > 0)
      live.update(
        trainingCurvesFigure(first.history, {
          title:
            `${model}: loss (cross-entropy) and accuracy per epoch, ${first.history.length} epochs` +
            ` (${first.cached ? 'loaded from cache' : `trained in ${first.seconds.toFixed(0)} s`})<br>` +
            `<sub>${runCaption(run)}; ${first.fold}, test ${first.test}; validation = 10 % of the training clips</sub>`,
        }),
      );
  }
  return { model, results };
}

/** One row of the reproduction table: published figure, ours on the seed's protocol, ours on new voices. */
export function reproductionRow(system: SeedSystem, rep: SeedReproduction): TableRow {
  const by = (name: string) => rep.results.find((r) => r.protocol === name);
  const cell = (f: ReproductionFigure | undefined, metric: 'accuracy' | 'uar') =>
    f ? `${formatPercent(f[metric])}${f.source === 'run' ? '' : ' *'}` : '–';
  const ran = rep.results.filter((r) => r.source === 'run');
  const trained = ran.reduce((s, r) => s + r.trained, 0);
  const folds = ran.reduce((s, r) => s + r.folds, 0);
  const seconds = ran.reduce((s, r) => s + r.trainedSeconds, 0);
  return {
    model: system.model,
    'published (TESS random)': system.published ?? 'not reported',
    'ours: TESS random 80/20 accuracy': cell(by('tess-random'), 'accuracy'),
    'ours: TESS OAF↔YAF accuracy (mean)': cell(by('tess-speaker'), 'accuracy'),
    'ours: RAVDESS actor folds UAR (mean)': cell(by('ravdess-speaker'), 'uar'),
    'models this run':
      trained === 0
        ? `${folds} loaded from cache`
        : `${trained} trained in ${seconds.toFixed(0)} s` +
          (trained < folds ? `, ${folds - trained} loaded from cache` : ''),
  };
}

/** The caption line naming a run's protocol and normalisation. */
export function runCaption(run: ReproductionRun): string {
  return `${protocolByName(run.protocol).description}; ${run.normalisation} normalisation`;
}
