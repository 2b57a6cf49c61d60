/**
 * `ser tune`: hyperparameter search with lib/tune. `--model NAME` tunes a registered SER model (validation
 * accuracy, per-epoch pruning) and trains the final model from the best config; `--objective NAME` runs a test
 * function instead (smoke runs, multi-machine checks). Start the same command on several machines with one
 * `--storage postgresql://...` and `--study NAME` to share a study; `--workers N` starts N processes here.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { resolveDataRoot } from '../data';
import { figureHtml, escapeHtml, htmlPage } from '../viz/html';
import { SPLIT_NAMES, SPLIT_PROTOCOLS, splitName } from '../data/split';
import { zooTuneTarget } from '../train';
import {
  intermediateValuesFigure,
  optimizationHistoryFigure,
  parallelCoordinatesFigure,
  paramImportancesFigure,
} from '../viz/tune';
import type { PlotlyFigure } from '../viz/plotly';
import {
  CONFIG_ATTR,
  createStudy,
  FIXED_PARAMS_ATTR,
  getTuneTarget,
  HyperbandPruner,
  maxTrialsCallback,
  MedianPruner,
  NopPruner,
  openStorage,
  OPTUNA31_TPE,
  RandomSampler,
  serObjective,
  SuccessiveHalvingPruner,
  TEST_FUNCTIONS,
  TpeSampler,
  type Objective,
  type Pruner,
  type FrozenTrial,
  type Sampler,
  type StudyDirection,
  type TuneTarget,
} from '../tune';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { FOLD_HELP, foldOption, intOption, type ParsedArgs } from './args';
import type { Command } from './commands';

const out = (s: string) => process.stdout.write(s + '\n');

function pick<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): T {
  const v = String(args.values[name]);
  if (!(allowed as readonly string[]).includes(v))
    throw new UserError(`tune: --${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function makeSampler(args: ParsedArgs): Sampler {
  // Local workers share the command line; each offsets the seed so that they do not sample in lockstep.
  const base = intOption(args, 'seed', 'tune');
  const seed = base === undefined ? undefined : base + Number(process.env.SER_TUNE_WORKER ?? 0);
  const kind = pick(args, 'sampler', ['tpe', 'tpe-optuna31', 'tpe-optuna31-multivariate', 'random'] as const);
  if (kind === 'random') return new RandomSampler({ seed });
  if (kind === 'tpe') return new TpeSampler({ seed });
  return new TpeSampler({ ...OPTUNA31_TPE, multivariate: kind === 'tpe-optuna31-multivariate', seed });
}

function makePruner(args: ParsedArgs): Pruner {
  const kind = pick(args, 'pruner', ['median', 'successive-halving', 'hyperband', 'none'] as const);
  if (kind === 'median') return new MedianPruner({ nWarmupSteps: intOption(args, 'warmup', 'tune') ?? 0 });
  if (kind === 'successive-halving') return new SuccessiveHalvingPruner();
  if (kind === 'hyperband') return new HyperbandPruner();
  return new NopPruner();
}

async function run(args: ParsedArgs): Promise<void> {
  const model = args.values.model as string | undefined;
  const objectiveName = args.values.objective as string | undefined;
  if ((model === undefined) === (objectiveName === undefined))
    throw new UserError('tune: give exactly one of --model NAME or --objective NAME');
  let objective: Objective;
  let direction: 'minimize' | 'maximize';
  const isWorker = process.env.SER_TUNE_WORKER !== undefined;
  const studyName = (args.values.study as string | undefined) ?? model ?? objectiveName!;
  const modelOut = (args.values['model-out'] as string | undefined) ?? path.join('models', 'tune', studyName);
  let target: TuneTarget | undefined;
  if (model !== undefined) {
    target = getTuneTarget(model) ?? (await zooTarget(args, model, modelOut, isWorker));
    if (!isWorker) out(`tuning ${target.describe ?? model}`);
    objective = serObjective(target);
    direction = 'maximize';
  } else {
    const fn = TEST_FUNCTIONS[objectiveName as keyof typeof TEST_FUNCTIONS];
    if (!fn)
      throw new UserError(
        `tune: unknown objective "${objectiveName}" (known: ${Object.keys(TEST_FUNCTIONS).join(', ')})`,
      );
    objective = fn;
    direction = 'minimize';
  }
  const trials = intOption(args, 'trials', 'tune') ?? 30;
  const workers = intOption(args, 'workers', 'tune') ?? 1;
  const storageUrl =
    (args.values.storage as string | undefined) ??
    `journal:${path.join('models', 'tune', `${studyName}.jsonl`)}`;
  if (workers > 1 && storageUrl === 'memory')
    throw new UserError('tune: --workers needs a shared storage (journal file or PostgreSQL)');
  const heartbeat = intOption(args, 'heartbeat', 'tune') ?? 30;

  // Extra local workers: the same command line without --workers, sharing the storage.
  const children = [];
  if (workers > 1) {
    const argv = process.argv.slice(2);
    const i = argv.indexOf('--workers');
    const childArgs = i >= 0 ? [...argv.slice(0, i), ...argv.slice(i + 2)] : argv;
    for (let w = 1; w < workers; w++) {
      const child = spawn(process.execPath, [process.argv[1], ...childArgs, '--quiet'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, SER_TUNE_WORKER: String(w) },
      });
      children.push(new Promise<number | null>((resolve) => child.on('exit', resolve)));
    }
  }

  const storage = await openStorage(
    storageUrl,
    storageUrl === 'memory' ? {} : { heartbeatInterval: heartbeat },
  );
  const study = await createStudy({
    name: studyName,
    storage,
    direction,
    sampler: makeSampler(args),
    pruner: makePruner(args),
    loadIfExists: true,
  });
  const timeout = intOption(args, 'timeout', 'tune');
  const quiet = args.values.quiet === true;
  // The untuned default config first, under the same budget as every sampled trial (a new study only).
  if (!isWorker && target?.defaultParams && study.trials.length === 0)
    study.enqueueTrial(target.defaultParams);
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  await study.optimize(objective, {
    nTrials: trials,
    timeout,
    callbacks: [
      (_s, t) => {
        if (!quiet)
          out(
            `trial ${t.number} ${t.state}${t.value !== null ? ` value=${t.value}` : ''} ${JSON.stringify(t.params)}`,
          );
      },
      maxTrialsCallback(trials, ['complete', 'pruned']),
    ],
  });
  const codes = await Promise.all(children);
  if (codes.some((c) => c !== 0))
    throw new UserError(`tune: ${codes.filter((c) => c !== 0).length} worker(s) failed`);
  await study.refresh();
  if (quiet) return await storage.close();
  const cpu = process.cpuUsage(cpu0);
  const counts = (['complete', 'pruned', 'fail'] as const).map(
    (st) => `${study.trials.filter((t) => t.state === st).length} ${st}`,
  );
  out(
    `${study.trials.length} trials in study "${studyName}" (${counts.join(', ')}); this process: ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU`,
  );
  const best = study.bestTrial;
  const baseline = study.trials.find((t) => t.systemAttrs[FIXED_PARAMS_ATTR] !== undefined);
  if (baseline)
    out(
      `baseline (default config): trial ${baseline.number} ${baseline.state}${baseline.value !== null ? ` value=${baseline.value}` : ''} ${JSON.stringify(baseline.params)}`,
    );
  out(`best: trial ${best.number} value=${best.value} ${JSON.stringify(best.params)}`);
  const plots = args.values.plots as string | undefined;
  if (plots !== undefined) {
    writeFileAtomic(plots, tuneReportHtml(study.trials, direction, studyName));
    out(`figures: ${plots}`);
  }
  const outFile =
    (args.values.out as string | undefined) ?? path.join('models', 'tune', `${studyName}-best.json`);
  writeFileAtomic(
    outFile,
    JSON.stringify(
      {
        study: studyName,
        storage: storageUrl.replace(/:\/\/[^@/]*@/, '://***@'),
        trial: best.number,
        value: best.value,
        params: best.params,
        config: best.userAttrs[CONFIG_ATTR] ?? null,
        target: target?.describe ?? null,
        baseline: baseline ? { trial: baseline.number, state: baseline.state, value: baseline.value } : null,
      },
      null,
      2,
    ) + '\n',
  );
  out(`best config: ${outFile}`);
  const config = best.userAttrs[CONFIG_ATTR];
  if (target?.trainFinal && config !== null && typeof config === 'object' && !Array.isArray(config))
    out(`final model (best config, same budget and seed): ${await target.trainFinal(config)}`);
  await storage.close();
}

/** A zoo model on a corpus fold as the tuning target (`--corpus`, `--split`, `--fold`, ...). */
async function zooTarget(args: ParsedArgs, model: string, modelOut: string, isWorker: boolean) {
  const split = splitName(String(args.values.split));
  const normalise = pick(args, 'normalise', ['global', 'per-speaker'] as const);
  const corpora = String(args.values.corpus)
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return zooTuneTarget({
    model,
    corpora,
    root: resolveDataRoot(args.values.root as string | undefined),
    split,
    fold: foldOption(args, 'tune'),
    normalisation: normalise,
    limitPerClass: intOption(args, 'limit-per-class', 'tune'),
    epochs: intOption(args, 'epochs', 'tune'),
    seed: intOption(args, 'train-seed', 'tune'),
    progress: false,
    out: isWorker ? undefined : modelOut,
  });
}

/** The study's figures (history, intermediate values, importances, parallel coordinates) as one HTML page. */
export function tuneReportHtml(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
  title: string,
): string {
  const figures = [
    optimizationHistoryFigure(trials, direction),
    intermediateValuesFigure(trials),
    paramImportancesFigure(trials),
    parallelCoordinatesFigure(trials, direction),
  ];
  const body = figures.map((f, i) => figureHtml(f as PlotlyFigure, { includeBundle: i === 0 })).join('\n');
  return htmlPage(title, `<h1>${escapeHtml(title)}</h1>\n${body}`);
}

export const tune: Command = {
  spec: {
    name: 'tune',
    summary: 'ser tune — hyperparameter search (TPE, pruning, shared studies) for a model or a test function',
    usage: 'ser tune (--model NAME | --objective NAME) [--trials N] [--storage URL] [--study NAME] [options]',
    options: {
      model: {
        type: 'string',
        value: 'NAME',
        description: 'SER model to tune (maximises validation accuracy)',
      },
      objective: {
        type: 'string',
        value: 'NAME',
        description: 'test function instead: branin, hartmann6, rosenbrock10',
      },
      trials: {
        type: 'string',
        value: 'N',
        description: 'finished trials the study should hold',
        default: '30',
      },
      timeout: { type: 'string', value: 'S', description: 'stop starting trials after S seconds' },
      storage: {
        type: 'string',
        value: 'URL',
        description: 'memory, journal:FILE or postgresql://... (default: journal:models/tune/STUDY.jsonl)',
      },
      study: {
        type: 'string',
        value: 'NAME',
        description: 'study name (default: the model or objective name); resumed if it exists',
      },
      sampler: {
        type: 'string',
        value: 'KIND',
        description:
          "tpe (ours: multivariate, local bandwidths, rank-weighted best trials, 5 startup trials), tpe-optuna31 (Optuna 3.1's defaults), tpe-optuna31-multivariate or random",
        default: 'tpe',
      },
      pruner: {
        type: 'string',
        value: 'KIND',
        description: 'median, successive-halving, hyperband or none',
        default: 'median',
      },
      seed: { type: 'string', value: 'N', description: 'sampler seed' },
      workers: {
        type: 'string',
        value: 'N',
        description: 'worker processes on this machine sharing the study',
        default: '1',
      },
      heartbeat: {
        type: 'string',
        value: 'S',
        description: 'heartbeat interval; trials silent for 2×S are failed',
        default: '30',
      },
      out: {
        type: 'string',
        value: 'FILE',
        description: 'best config JSON (default: models/tune/STUDY-best.json)',
      },
      quiet: { type: 'boolean', description: 'print nothing (used by extra workers)' },
      corpus: { type: 'string', value: 'A[,B]', description: '--model: corpora to tune on', default: 'tess' },
      root: {
        type: 'string',
        value: 'DIR',
        description: '--model: data root (else $SER_DATA_DIR, else data/)',
      },
      split: {
        type: 'string',
        value: 'NAME',
        description: `--model: speaker-independent protocol whose fold gives train and validation speakers: ${SPLIT_NAMES.filter((n) => SPLIT_PROTOCOLS[n].speakerIndependent).join(', ')}`,
        default: 'speaker',
      },
      fold: {
        type: 'string',
        value: 'N',
        description: `--model: ${FOLD_HELP}; TESS speaker: 1 trains on YAF and validates on OAF, 2 the reverse`,
        default: '1',
      },
      normalise: {
        type: 'string',
        value: 'KIND',
        description: '--model: global or per-speaker',
        default: 'global',
      },
      epochs: {
        type: 'string',
        value: 'N',
        description: "--model: epochs per trial (default: the model's own)",
      },
      warmup: {
        type: 'string',
        value: 'N',
        description: 'median pruner: epochs before a trial can be pruned',
        default: '0',
      },
      'limit-per-class': {
        type: 'string',
        value: 'N',
        description: '--model: at most N clips per speaker and emotion (quick runs)',
      },
      'train-seed': {
        type: 'string',
        value: 'N',
        description:
          "--model: every trial's weight, batch and dropout seed (and the --limit-per-class subset)",
        default: '42',
      },
      'model-out': {
        type: 'string',
        value: 'DIR',
        description: '--model: final model directory (default: models/tune/STUDY)',
      },
      plots: { type: 'string', value: 'FILE', description: 'write the study figures as one HTML page' },
    },
    examples: [
      'ser tune --objective branin --trials 50 --storage memory',
      'ser tune --model seed000 --corpus tess --fold 2 --trials 30 --epochs 6 --plots models/tune/seed000.html',
      'ser tune --model seed000 --trials 200 --storage postgresql://user@db/ser --study seed000-tess   # on each machine',
    ],
  },
  run,
};
