/**
 * The `ser` subcommands. Each is a {@link CommandSpec} (options + help) and a `run` that composes lib/
 * stages; none holds logic of its own beyond formatting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../backend';
import { corpusNames, resolveDataRoot } from '../data';
import { evaluateModelDir, formatEvaluationReport, type Evaluation } from '../evaluate';
import { renderEvaluationHtml } from '../viz/evaluation-page';
import { SPLIT_NAMES, splitName, splitProtocolsHelp } from '../data/split';
import { trainModel, type Normalisation } from '../train';
import { featureSetNames } from '../features/sets';
import { RECOMMENDED_MODEL, zooEntry, zooModelNames, type ZooModelName } from '../models/zoo';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { listFiles } from '../util/files';
import { projectRoot } from '../util/paths';
import {
  FOLD_HELP,
  foldOption,
  intOption,
  MODEL_DIR_OPTIONS,
  requireModelDir,
  requireString,
  type CommandSpec,
  type ParsedArgs,
} from './args';

export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs): Promise<void>;
}

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function packageVersion(name: string): string {
  try {
    const pkg = require.resolve(`${name}/package.json`, { paths: [projectRoot()] });
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

const rootOption = {
  type: 'string',
  value: 'DIR',
  description: 'data root holding corpus folders (else $SER_DATA_DIR, else data/)',
} as const;
const corpusOption = {
  type: 'string',
  value: 'NAME',
  description: `corpus: ${corpusNames().join(', ')}`,
  default: 'tess',
} as const;

export const info: Command = {
  spec: {
    name: 'info',
    summary: 'ser info — versions, the tfjs backend in use, the data root and the corpora found there.',
    usage: 'ser info [--root DIR] [--json]',
    options: { root: rootOption, json: { type: 'boolean', description: 'print one JSON object' } },
  },
  async run(args) {
    const backend = await initBackend();
    const root = resolveDataRoot(args.values.root as string | undefined);
    const corpora: Record<string, { path: string; audioFiles: number }> = {};
    if (fs.existsSync(root)) {
      for (const name of ['tess', 'ravdess', 'cremad', 'savee', 'emodb', 'synthetic']) {
        const dir = path.join(root, name);
        if (fs.existsSync(dir) && fs.statSync(dir).isDirectory())
          corpora[name] = { path: dir, audioFiles: listFiles(dir, /\.(wav|flac|aiff?)$/i).length };
      }
    }
    const report = {
      ser:
        packageVersion('ser') === 'not installed'
          ? JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version
          : packageVersion('ser'),
      node: process.version,
      tfjs: backend.tfjsVersion,
      backend: backend.name,
      fastKernels: backend.fastKernels,
      backendNotes: backend.notes,
      packages: Object.fromEntries(
        [
          '@tensorflow/tfjs-backend-wasm',
          'meyda',
          'danfojs-node',
          'plotly.js-dist-min',
          'wav-decoder',
          'tslab',
        ].map((p) => [p, packageVersion(p)]),
      ),
      dataRoot: root,
      dataRootExists: fs.existsSync(root),
      corpora,
      readableCorpora: corpusNames(),
    };
    if (args.values.json) {
      out(JSON.stringify(report, null, 2));
      return;
    }
    out(`ser ${report.ser} on node ${report.node}`);
    out(`tfjs ${report.tfjs}, backend: ${report.backend}${report.fastKernels ? ' + ser fast kernels' : ''}`);
    for (const n of report.backendNotes) out(`  note: ${n}`);
    out(`data root: ${root}${report.dataRootExists ? '' : ' (does not exist)'}`);
    const found = Object.entries(corpora);
    if (found.length === 0)
      out('  no corpus found; see data/README.md (the quick start falls back to a synthetic sample)');
    for (const [name, c] of found)
      out(`  ${name.padEnd(10)} ${String(c.audioFiles).padStart(5)} audio files  ${c.path}`);
  },
};

export const train: Command = {
  spec: {
    name: 'train',
    summary: `ser train — train a model on a protocol (--split) and write a model directory: the recommended model (${RECOMMENDED_MODEL}) unless --model names another.`,
    usage: `ser train [--model NAME] [--features SET] [--corpus A[,B]] [--split ${SPLIT_NAMES.join('|')}] [--fold N] [--normalise global|per-speaker] [--root DIR] --out MODEL_DIR [--seed N] [--epochs N] [--json]`,
    options: {
      corpus: {
        ...corpusOption,
        description: 'corpus, or corpora A,B (with --split cross the last is the test corpus)',
      },
      root: rootOption,
      out: {
        type: 'string',
        value: 'MODEL_DIR',
        description: 'model directory to write (replaced atomically)',
      },
      model: {
        type: 'string',
        value: 'NAME',
        description: `registry model: ${zooModelNames().join(', ')}`,
        default: RECOMMENDED_MODEL,
      },
      features: {
        type: 'string',
        value: 'SET',
        description: `feature set (default: the model's own): ${featureSetNames().join(', ')}`,
      },
      split: {
        type: 'string',
        value: 'NAME',
        description: splitProtocolsHelp(),
        default: 'speaker',
      },
      fold: { type: 'string', value: 'N', description: FOLD_HELP, default: '1' },
      normalise: {
        type: 'string',
        value: 'MODE',
        description:
          "global (training split statistics) or per-speaker (each speaker z-scored with its own unlabelled clips; a protocol of its own); default: the model's own (best: per-speaker, others: global)",
      },
      'limit-per-class': {
        type: 'string',
        value: 'N',
        description: 'at most N clips per (speaker, emotion), for quick runs',
      },
      seed: {
        type: 'string',
        value: 'N',
        description: 'random seed (weights, shuffling, dropout, validation hold-out)',
        default: '42',
      },
      epochs: {
        type: 'string',
        value: 'N',
        description: "training epochs of a neural model (default: the model's own)",
      },
      json: { type: 'boolean', description: 'print a JSON summary on stdout' },
    },
    examples: [
      'ser train --corpus tess --root data --out models/tess-best',
      'ser train --model seed000 --corpus tess --split speaker --fold 1 --out models/tess-seed000',
      'ser train --model seed004-svm --corpus ravdess,tess --split cross --out models/ravdess-to-tess-svm',
    ],
  },
  async run(args) {
    const outDir = requireString(args, 'out', 'train');
    const corpus = requireString(args, 'corpus', 'train');
    const root = resolveDataRoot(args.values.root as string | undefined);
    await trainZooModel(args, args.values.model as string, corpus, root, outDir);
  },
};

/** `ser train [--model NAME] …`: a registry model on a protocol's fold, with a per-epoch progress line. */
async function trainZooModel(
  args: ParsedArgs,
  modelName: string,
  corpus: string,
  root: string,
  outDir: string,
): Promise<void> {
  if (!(zooModelNames() as string[]).includes(modelName))
    throw new UserError(`train: unknown --model "${modelName}" (known: ${zooModelNames().join(', ')})`);
  const split = splitName(args.values.split as string);
  const normalise =
    (args.values.normalise as string | undefined) ?? zooEntry(modelName).normalisation ?? 'global';
  if (normalise !== 'global' && normalise !== 'per-speaker')
    throw new UserError(`train: --normalise must be global or per-speaker, got "${normalise}"`);
  const epochs = intOption(args, 'epochs', 'train');
  const started = Date.now();
  const result = await trainModel({
    model: modelName as ZooModelName,
    corpora: corpus
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
    root,
    split,
    fold: foldOption(args, 'train'),
    features: args.values.features as string | undefined,
    normalisation: normalise as Normalisation,
    seed: intOption(args, 'seed', 'train'),
    limitPerClass: intOption(args, 'limit-per-class', 'train'),
    training: epochs === undefined ? undefined : { epochs },
    out: outDir,
    onEpoch: (e) =>
      err(
        `epoch ${e.epoch}: loss ${e.loss.toFixed(4)} acc ${pct(e.accuracy)} · val loss ${e.valLoss.toFixed(4)} val acc ${pct(e.valAccuracy)} · lr ${e.lr.toExponential(1)} · ${e.seconds.toFixed(1)} s · rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
      ),
  });
  for (const s of result.skipped) err(`skipped ${s.path}: ${s.reason}`);
  const m = result.metrics;
  const summary = {
    modelDir: path.resolve(outDir),
    model: modelName,
    protocol: result.split.protocol,
    fold: result.fold,
    normalisation: normalise,
    labels: result.labels,
    accuracy: m.accuracy,
    uar: m.uar,
    macroF1: m.macroF1,
    n: m.n,
    trainSeconds: result.seconds,
    seconds: (Date.now() - started) / 1000,
    epochs: result.history.length,
  };
  if (args.values.json) out(JSON.stringify(summary));
  else
    out(
      `model written to ${summary.modelDir} (${modelName}, ${summary.protocol} ${summary.fold}, ${normalise} normalisation): test accuracy ${pct(m.accuracy)}, UAR ${pct(m.uar)}, macro-F1 ${pct(m.macroF1)} on ${m.n} clips; ${summary.seconds.toFixed(1)} s`,
    );
}

function printEvaluation(e: Evaluation): void {
  out(formatEvaluationReport(e.report));
}

export const evaluate: Command = {
  spec: {
    name: 'evaluate',
    summary: 'ser evaluate — evaluate a model directory on the held-out speakers of its split.',
    usage: 'ser evaluate --model-dir DIR [--corpus A[,B]] [--root DIR] [--json] [--html FILE]',
    options: {
      ...MODEL_DIR_OPTIONS,
      corpus: {
        type: 'string',
        value: 'A[,B]',
        description: 'corpora to rebuild the split from (default: those the model directory records)',
      },
      root: rootOption,
      json: {
        type: 'boolean',
        description: 'print one JSON object (accuracy, uar, n, labels, confusion, protocol, report, …)',
      },
      html: {
        type: 'string',
        value: 'FILE',
        description:
          'also write a self-contained HTML report (confusion heatmap, per-class table, learning curves)',
      },
      'limit-per-class': {
        type: 'string',
        value: 'N',
        description: 'at most N clips per speaker × emotion (default: the subset the model was trained on)',
      },
    },
  },
  async run(args) {
    const result = await evaluateModelDir({
      modelDir: requireModelDir(args, 'evaluate'),
      corpus: args.values.corpus as string | undefined,
      root: resolveDataRoot(args.values.root as string | undefined),
      limitPerClass: intOption(args, 'limit-per-class', 'evaluate'),
    });
    for (const s of result.skipped) err(`skipped ${s.path}: ${s.reason}`);
    const html = args.values.html as string | undefined;
    if (html !== undefined) {
      writeFileAtomic(path.resolve(html), renderEvaluationHtml(result.report, { history: result.history }));
      err(`HTML report written to ${path.resolve(html)}`);
    }
    if (args.values.json) out(JSON.stringify(result));
    else printEvaluation(result);
  },
};
