/**
 * `ser tune`: hyperparameter search with lib/tune. `--model NAME` tunes a registered SER model (validation
 * accuracy, per-epoch pruning) and trains the final model from the best config; `--objective NAME` runs a test
 * function instead (smoke runs, multi-machine checks). Start the same command on several machines with one
 * `--storage postgresql://...` and `--study NAME` to share a study; `--workers N` starts N processes here.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  createStudy,
  getTuneTarget,
  HyperbandPruner,
  maxTrialsCallback,
  MedianPruner,
  NopPruner,
  openStorage,
  RandomSampler,
  serObjective,
  SuccessiveHalvingPruner,
  TEST_FUNCTIONS,
  TpeSampler,
  tuneTargetNames,
  type Objective,
  type Pruner,
  type Sampler,
} from '../tune';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { intOption, type ParsedArgs } from './args';
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
  const kind = pick(args, 'sampler', ['tpe', 'tpe-multivariate', 'random'] as const);
  if (kind === 'random') return new RandomSampler({ seed });
  return new TpeSampler({ seed, multivariate: kind === 'tpe-multivariate' });
}

function makePruner(args: ParsedArgs): Pruner {
  const kind = pick(args, 'pruner', ['median', 'successive-halving', 'hyperband', 'none'] as const);
  if (kind === 'median') return new MedianPruner();
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
  const target = model !== undefined ? getTuneTarget(model) : undefined;
  if (model !== undefined) {
    if (!target)
      throw new UserError(
        `tune: model "${model}" has no tuning target yet (registered: ${tuneTargetNames().join(', ') || 'none'}; seed000 and best arrive with the models issue)`,
      );
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
  const studyName = (args.values.study as string | undefined) ?? model ?? objectiveName!;
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
  const best = study.bestTrial;
  out(
    `best: trial ${best.number} value=${best.value} ${JSON.stringify(best.params)} (${study.trials.length} trials in study "${studyName}")`,
  );
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
      },
      null,
      2,
    ) + '\n',
  );
  out(`best config: ${outFile}`);
  if (target?.trainFinal)
    out(
      `final model: ${await target.trainFinal(best.params as Record<string, string | number | boolean | null>)}`,
    );
  await storage.close();
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
        description: 'tpe, tpe-multivariate or random',
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
    },
    examples: [
      'ser tune --objective branin --trials 50 --storage memory',
      'ser tune --model seed000 --trials 30 --workers 2',
      'ser tune --model seed000 --trials 200 --storage postgresql://user@db/ser --study seed000-tess   # on each machine',
    ],
  },
  run,
};
