/**
 * Accuracy of the zoo on every protocol, trained and evaluated from scratch with fixed seeds. Prints one JSON
 * object: rows of model × protocol (× normalisation) → accuracy, UAR, macro-F1 (means over folds), a 95 %
 * bootstrap interval of accuracy over the pooled test clips, training seconds, and for the random forest and
 * SVM scikit-learn's fit time and accuracy on exactly the same fold rows (same run, Debian /usr/bin/python3).
 *
 *   node scripts/build.js && node dist/bench/accuracy.js [--quick] [--protocols a,b] [--models a,b]
 *     [--normalisation global,per-speaker] [--epochs N] [--no-sklearn]
 *     [--config '{"attention":false}'] [--training '{"timeMasks":0}'] [--features SET]   (ablations: overrides of every model's config)
 *     [--augment default|none]   (speaker augmentation of the training side; default: each model's own)
 *     [--out FILE]   (also rewrite FILE with the JSON after every row, so a long run leaves its finished rows)
 *     [--cache DIR]   (keep every fold's model under DIR, keyed by recipe, clips and seeds; a re-run reloads them)
 *
 * Protocols (lib/evaluate/protocols.ts, the registry notebook 05 runs too): tess-random (stratified 80/20, seed 0), tess-speaker (OAF→YAF and YAF→OAF), ravdess-speaker
 * (8 classes, 5 folds grouped by actor), ravdess-to-tess (cross-corpus on the shared emotions: RAVDESS calm is
 * dropped, TESS has none), tess-speaker-ravdess (one TESS speaker and the 16 RAVDESS actors → the other TESS
 * speaker; RAVDESS calm stays in training; not in the default run). Validation for early stopping: a seeded 10 % of the training side's clips.
 * `--quick`: 6 clips per (speaker, emotion) and 2 epochs, to check the pipeline.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../lib/backend';
import { engineInfo } from '../lib/engine';
import { scaleColumns, type SvmConfig } from '../lib/models/svm';
import { zooEntry, type ZooModelName } from '../lib/models/zoo';
import {
  foldData,
  mappedRows,
  rowArray,
  speakerAugmentedRows,
  type FeatureTable,
  type Normalisation,
  type RowSource,
} from '../lib/train';
import { resolveDataRoot } from '../lib/data/root';
import { DEFAULT_SPEAKER_AUGMENTATION } from '../lib/augment/speaker';
import { writeFileAtomic } from '../lib/util/atomic';
import { bootstrapStatistic } from '../lib/evaluate/bootstrap';
import { PROTOCOLS, runProtocol } from '../lib/evaluate/protocols';

function listArg(name: string): string[] | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1].split(',') : undefined;
}
function jsonArg(name: string): Record<string, unknown> | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (JSON.parse(process.argv[i + 1]) as Record<string, unknown>) : undefined;
}
function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function numArg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

/** 95 % percentile bootstrap interval of accuracy over clips (1000 resamples, seeded). */
function bootstrapAccuracy(correct: boolean[], seed = 0): [number, number] {
  const share = (idx: Int32Array) => idx.reduce((c, i) => c + (correct[i] ? 1 : 0), 0) / idx.length;
  const { lower, upper } = bootstrapStatistic(correct.length, share, { seed });
  return [lower, upper];
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const SKLEARN = `
import json, sys, time, numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC
d = sys.argv[1]
meta = json.load(open(d + '/meta.json'))
xtr = np.fromfile(d + '/xtr.f32', dtype=np.float32).reshape(meta['ntr'], meta['dims']).astype(np.float64)
xte = np.fromfile(d + '/xte.f32', dtype=np.float32).reshape(meta['nte'], meta['dims']).astype(np.float64)
ytr, yte = np.array(meta['ytr']), np.array(meta['yte'])
out = {}
for name, m in [('random-forest', RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)), ('svm', SVC(C=10, gamma='scale'))]:
    t = time.perf_counter(); m.fit(xtr, ytr); s = time.perf_counter() - t
    out[name] = {'seconds': s, 'accuracy': float((m.predict(xte) == yte).mean())}
print(json.dumps(out))
`;

/** scikit-learn's fit time and accuracy for the RF and SVM on one fold's rows. */
function sklearnFold(
  fold: ReturnType<typeof foldData>,
): Record<string, { seconds: number; accuracy: number }> | null {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-acc-'));
  const flat = (source: RowSource) => {
    const rows = rowArray(source);
    const out = new Float32Array(rows.length * rows[0].length);
    rows.forEach((r, i) => out.set(r, i * r.length));
    return Buffer.from(out.buffer);
  };
  fs.writeFileSync(path.join(dir, 'xtr.f32'), flat(fold.train.rows));
  fs.writeFileSync(path.join(dir, 'xte.f32'), flat(fold.test.rows));
  fs.writeFileSync(
    path.join(dir, 'meta.json'),
    JSON.stringify({
      ntr: fold.train.rows.length,
      nte: fold.test.rows.length,
      dims: fold.shape[0],
      ytr: fold.train.labels,
      yte: fold.test.labels,
    }),
  );
  const run = spawnSync(python, ['-c', SKLEARN, dir], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`scikit-learn reference failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, { seconds: number; accuracy: number }>;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const root = resolveDataRoot();
  const info = await initBackend();
  const protocols = PROTOCOLS.filter((p) => listArg('protocols')?.includes(p.name) ?? !p.optIn);
  const normalisations = (listArg('normalisation') ?? ['global', 'per-speaker']) as Normalisation[];
  const epochs = numArg('epochs') ?? (quick ? 2 : undefined);
  const augmentArg = stringArg('augment');
  if (augmentArg !== undefined && augmentArg !== 'default' && augmentArg !== 'none')
    throw new Error(`--augment must be default or none, got ${augmentArg}`);
  const augment =
    augmentArg === undefined ? undefined : augmentArg === 'none' ? null : { ...DEFAULT_SPEAKER_AUGMENTATION };
  const out = stringArg('out');
  const tables = new Map<string, FeatureTable>();
  const rows: Record<string, unknown>[] = [];
  const started = Date.now();
  const report = () =>
    JSON.stringify(
      {
        bench: 'accuracy',
        command: `node dist/bench/accuracy.js ${process.argv.slice(2).join(' ')}`,
        date: new Date(started).toISOString(),
        quick,
        backend: info.name,
        engine: engineInfo().summary,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((x) => round(x, 2)),
        seconds: round((Date.now() - started) / 1000, 1),
        rows,
      },
      null,
      1,
    );
  for (const protocol of protocols) {
    const models = (listArg('models') as ZooModelName[] | undefined) ?? protocol.models;
    for (const model of models) {
      const entry = zooEntry(model);
      for (const normalisation of normalisations) {
        const folds: Record<string, unknown>[] = [];
        const sklearn: { seconds: number; accuracy: number }[] = [];
        const result = await runProtocol(model, protocol.name, {
          root,
          limitPerClass: quick ? 6 : undefined,
          normalisation,
          features: listArg('features')?.[0],
          augment,
          config: jsonArg('config'),
          training: { ...jsonArg('training'), ...(epochs === undefined ? {} : { epochs }) },
          cacheDir: stringArg('cache'),
          tables,
          onFold: (r, { table, split, foldIndex }) => {
            const foldRow: Record<string, unknown> = {
              fold: r.fold,
              test: r.test,
              accuracy: round(r.accuracy),
              uar: round(r.uar),
              macroF1: round(r.macroF1),
              seconds: round(r.seconds, 1),
              epochs: r.epochs,
              ...(r.cached ? { cached: true } : {}),
            };
            if (entry.kind === 'classic' && !process.argv.includes('--no-sklearn')) {
              // The same rows ours trained on: augmented copies included, SVM column scales applied.
              const active = augment === undefined ? entry.augment : augment;
              const data = foldData(table, split, foldIndex, {
                normalisation,
                augmented: active ? speakerAugmentedRows(table, split, foldIndex, active) : undefined,
              });
              const config = { ...entry.defaults, ...jsonArg('config') } as {
                columnScales?: SvmConfig['columnScales'];
              };
              const scale = (rows: RowSource) =>
                mappedRows(rows, (x) => Float32Array.from(scaleColumns(x, config.columnScales)));
              const ref = sklearnFold({
                ...data,
                train: { ...data.train, rows: scale(data.train.rows) },
                test: { ...data.test, rows: scale(data.test.rows) },
              });
              // The Python side answers by kind ('svm', 'random-forest'), the same hyperparameters as ours.
              const reference = ref?.[(entry.defaults as { kind: string }).kind];
              if (reference) {
                foldRow.sklearn = {
                  seconds: round(reference.seconds, 2),
                  accuracy: round(reference.accuracy),
                };
                sklearn.push(reference);
              }
            }
            folds.push(foldRow);
            process.stderr.write(
              `${protocol.name} ${model} ${normalisation} ${r.fold}: acc ${r.accuracy.toFixed(3)} uar ${r.uar.toFixed(3)} (${r.cached ? 'cached, ' : ''}${r.seconds.toFixed(1)} s)\n`,
            );
          },
        });
        const correct = result.folds.flatMap((f) => f.yTrue.map((t, i) => t === f.yPred[i]));
        const [lo, hi] = bootstrapAccuracy(correct);
        rows.push({
          model,
          protocol: protocol.name,
          normalisation,
          features: result.features,
          augment: result.augmented ? 'speaker (speed 0.9, 1.1)' : 'none',
          ...(jsonArg('config') || jsonArg('training')
            ? { overrides: { config: jsonArg('config'), training: jsonArg('training') } }
            : {}),
          accuracy: round(result.accuracy),
          uar: round(result.uar),
          macroF1: round(result.macroF1),
          accuracy95: [round(lo), round(hi)],
          minClassRecall: round(result.minClassRecall),
          trainSeconds: round(result.trainSeconds, 1),
          ...(sklearn.length > 0
            ? {
                sklearnFitSeconds: round(
                  sklearn.reduce((s, x) => s + x.seconds, 0),
                  2,
                ),
                sklearnAccuracy: round(mean(sklearn.map((x) => x.accuracy))),
              }
            : {}),
          folds,
        });
        if (out) writeFileAtomic(out, report() + '\n');
      }
    }
  }
  console.log(report());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
