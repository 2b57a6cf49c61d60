/**
 * Classic models against scikit-learn 1.2 (Debian's /usr/bin/python3, bench/reference/classic_sklearn.py) on
 * the same fold rows in the same run: the RBF SVM (C 10, gamma 'scale') and the random forest (100 trees, 5
 * seeds) on seed004 statistics with global normalisation, as bench/accuracy builds them for seed004-svm /
 * seed004-rf. Fit and predict are timed alone on both sides (matrices already in memory, no I/O inside a
 * timing; untimed fits and predicts per model and protocol first, on both sides: 3 of the SVM, as V8 takes a
 * few fits to optimise the solver, and 1 of the forest). Prints one JSON object: per model × protocol the seconds, the ratios ours / scikit-learn, SVM
 * prediction mismatches (and, with probabilities, the largest |ours − SVC(probability=True)|), RF mean accuracy
 * over the seeds on both sides, and CPU-second ratios (ours over every thread) as a steadier view on a loaded
 * machine; `ok` when every ratio ≤ 1, the SVM predicts like SVC on every fold (probabilities
 * within 1e-3) and the forest's mean accuracy is within 0.01 of scikit-learn's on every protocol.
 *
 *   node scripts/build.js && node dist/bench/classic.js [--protocols tess-speaker,ravdess-speaker,ravdess-to-tess]
 *     [--models svm,rf] [--seeds 5] [--svm-warmup 3] [--no-probability] [--quick]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fitRandomForest, predictForestClasses } from '../lib/models/forest';
import { fitSvm, predictSvmClasses, predictSvmProba } from '../lib/models/svm';
import { resolveDataRoot } from '../lib/data/root';
import { foldData, loadFeatureTable, makeSplit, rowArray, type SplitName } from '../lib/train';

const root = path.resolve(__dirname, '..', '..');

interface Protocol {
  name: string;
  corpora: string[];
  split: SplitName;
}
const PROTOCOLS: Protocol[] = [
  { name: 'tess-speaker', corpora: ['tess'], split: 'speaker' },
  { name: 'ravdess-speaker', corpora: ['ravdess'], split: 'speaker' },
  { name: 'ravdess-to-tess', corpora: ['ravdess', 'tess'], split: 'cross' },
];

interface Fold {
  protocol: string;
  fold: number;
  train: Float32Array[];
  ytr: number[];
  test: Float32Array[];
  yte: number[];
  nClasses: number;
}

interface SklearnFold {
  svm?: {
    fit: number;
    fitCpu: number;
    predict: number;
    predictCpu: number;
    pred: number[];
    probaFit?: number;
    probaPredict?: number;
    proba?: number[][];
    probaClasses?: number[];
  };
  rf?: { seed: number; fit: number; fitCpu: number; predict: number; predictCpu: number; pred: number[] }[];
}

function listArg(name: string): string[] | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1].split(',') : undefined;
}

const C = 10;
const TREES = 100;
const PROBABILITY_SEED = 0;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const accuracy = (pred: ArrayLike<number>, truth: number[]) => {
  let c = 0;
  for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) c++;
  return c / truth.length;
};
/** CPU seconds of this process (every thread) so far. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
/** CPU seconds spent in timed sections, by key, beside their wall seconds. */
const cpu: Record<string, number> = {};
function seconds<T>(f: () => T, key?: string): [T, number] {
  const c = cpuSeconds();
  const t = process.hrtime.bigint();
  const out = f();
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (key) cpu[key] = (cpu[key] ?? 0) + cpuSeconds() - c;
  return [out, wall];
}

/** Every fold's rows in memory: seed004 statistics, global normalisation (fitted on the training side). */
async function loadFolds(protocols: Protocol[], quick: boolean): Promise<Fold[]> {
  const folds: Fold[] = [];
  const dataRoot = resolveDataRoot();
  for (const p of protocols) {
    const table = await loadFeatureTable(p.corpora, dataRoot, 'seed004', {
      limitPerClass: quick ? 6 : undefined,
      progress: false,
    });
    const split = makeSplit(table, p.split, { seed: 0 });
    for (let f = 0; f < split.folds.length; f++) {
      const d = foldData(table, split, f, { normalisation: 'global' });
      folds.push({
        protocol: p.name,
        fold: f,
        train: rowArray(d.train.rows),
        ytr: d.train.labels,
        test: rowArray(d.test.rows),
        yte: d.test.labels,
        nClasses: d.labels.length,
      });
    }
  }
  return folds;
}

function runSklearn(
  folds: Fold[],
  svm: boolean,
  probability: boolean,
  seeds: number[],
  svmWarmup: number,
): SklearnFold[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-classic-'));
  try {
    const flat = (rows: Float32Array[]) => {
      const out = new Float32Array(rows.length * rows[0].length);
      rows.forEach((r, i) => out.set(r, i * r.length));
      return Buffer.from(out.buffer);
    };
    folds.forEach((f, k) => {
      fs.writeFileSync(path.join(dir, `${k}-xtr.f32`), flat(f.train));
      fs.writeFileSync(path.join(dir, `${k}-xte.f32`), flat(f.test));
    });
    const meta = {
      svm,
      probability,
      probabilitySeed: PROBABILITY_SEED,
      svmWarmup,
      C,
      trees: TREES,
      rfSeeds: seeds,
      folds: folds.map((f) => ({
        ntr: f.train.length,
        nte: f.test.length,
        dims: f.train[0].length,
        ytr: f.ytr,
        warmup: f.fold === 0,
      })),
    };
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
    const run = spawnSync('/usr/bin/python3', [path.join(root, 'bench/reference/classic_sklearn.py'), dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    if (run.status !== 0)
      throw new Error(`scikit-learn reference failed: ${run.stderr.trim().split('\n').pop()}`);
    return (JSON.parse(run.stdout) as { folds: SklearnFold[] }).folds;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const protocols = PROTOCOLS.filter((p) => listArg('protocols')?.includes(p.name) ?? true);
  const models = listArg('models') ?? ['svm', 'rf'];
  const nSeeds = Number(listArg('seeds')?.[0] ?? 5);
  const seeds = models.includes('rf') ? Array.from({ length: nSeeds }, (_, i) => i) : [];
  const probability = models.includes('svm') && !process.argv.includes('--no-probability');
  const svmWarmup = Number(listArg('svm-warmup')?.[0] ?? 3);
  const folds = await loadFolds(protocols, quick);
  const started = Date.now();
  const ref = runSklearn(folds, models.includes('svm'), probability, seeds, svmWarmup);

  const cells: Record<string, unknown>[] = [];
  let ok = true;
  for (const p of protocols) {
    const idx = folds.map((f, k) => (f.protocol === p.name ? k : -1)).filter((k) => k >= 0);
    // Untimed fits and predicts per model before the protocol's timings (V8 optimises the hot loops, the
    // kernel threads start); the Python side does the same on the same fold.
    const w = folds[idx[0]];
    for (let i = 0; models.includes('svm') && i < svmWarmup; i++)
      predictSvmClasses(fitSvm(w.train, w.ytr, w.nClasses, { C }), w.test);
    if (models.includes('rf'))
      predictForestClasses(fitRandomForest(w.train, w.ytr, w.nClasses, { nTrees: TREES }, 0), w.test);
    if (models.includes('svm')) {
      let fit = 0;
      let predict = 0;
      let probaFit = 0;
      let probaPredict = 0;
      let mismatches = 0;
      let maxProbaDiff = 0;
      const acc: number[] = [];
      for (const k of idx) {
        const f = folds[k];
        const [state, tf] = seconds(() => fitSvm(f.train, f.ytr, f.nClasses, { C }), `svm-fit-${p.name}`);
        const [pred, tp] = seconds(() => predictSvmClasses(state, f.test), `svm-predict-${p.name}`);
        fit += tf;
        predict += tp;
        const r = ref[k].svm!;
        for (let i = 0; i < pred.length; i++) if (pred[i] !== r.pred[i]) mismatches++;
        acc.push(accuracy(pred, f.yte));
        if (probability && r.proba) {
          const [pstate, tpf] = seconds(() =>
            fitSvm(f.train, f.ytr, f.nClasses, { C, probability: true, randomState: PROBABILITY_SEED }),
          );
          const [proba, tpp] = seconds(() => predictSvmProba(pstate, f.test));
          probaFit += tpf;
          probaPredict += tpp;
          // scikit-learn's columns are the classes present in training, in order.
          const classes = r.probaClasses!;
          for (let i = 0; i < proba.length; i++)
            for (let c = 0; c < classes.length; c++)
              maxProbaDiff = Math.max(maxProbaDiff, Math.abs(proba[i][classes[c]] - r.proba[i][c]));
        }
      }
      const skFit = idx.reduce((s, k) => s + ref[k].svm!.fit, 0);
      const skPredict = idx.reduce((s, k) => s + ref[k].svm!.predict, 0);
      const cell: Record<string, unknown> = {
        model: 'svm',
        protocol: p.name,
        folds: idx.length,
        fitSeconds: round(fit, 3),
        sklearnFitSeconds: round(skFit, 3),
        fitRatio: round(fit / skFit, 3),
        predictSeconds: round(predict, 3),
        sklearnPredictSeconds: round(skPredict, 3),
        predictRatio: round(predict / skPredict, 3),
        // CPU seconds (ours: every thread) against scikit-learn's: a steadier view on a loaded machine.
        fitCpuRatio: round(cpu[`svm-fit-${p.name}`] / idx.reduce((s, k) => s + ref[k].svm!.fitCpu, 0), 3),
        predictCpuRatio: round(
          cpu[`svm-predict-${p.name}`] / idx.reduce((s, k) => s + ref[k].svm!.predictCpu, 0),
          3,
        ),
        accuracy: round(mean(acc)),
        predictionMismatches: mismatches,
      };
      ok &&= fit <= skFit && predict <= skPredict && mismatches === 0;
      if (probability) {
        const skPFit = idx.reduce((s, k) => s + (ref[k].svm!.probaFit ?? 0), 0);
        const skPPredict = idx.reduce((s, k) => s + (ref[k].svm!.probaPredict ?? 0), 0);
        Object.assign(cell, {
          probabilityFitSeconds: round(probaFit, 3),
          sklearnProbabilityFitSeconds: round(skPFit, 3),
          probabilityFitRatio: round(probaFit / skPFit, 3),
          probabilityPredictRatio: round(probaPredict / skPPredict, 3),
          maxProbabilityDiff: Number(maxProbaDiff.toExponential(2)),
        });
        ok &&= maxProbaDiff <= 1e-3;
      }
      cells.push(cell);
    }
    if (models.includes('rf')) {
      let fit = 0;
      let predict = 0;
      const ours: number[] = [];
      const theirs: number[] = [];
      for (const seed of seeds) {
        const oursSeed: number[] = [];
        const theirsSeed: number[] = [];
        for (const k of idx) {
          const f = folds[k];
          const [state, tf] = seconds(
            () => fitRandomForest(f.train, f.ytr, f.nClasses, { nTrees: TREES }, seed),
            `rf-fit-${p.name}`,
          );
          const [pred, tp] = seconds(() => predictForestClasses(state, f.test), `rf-predict-${p.name}`);
          fit += tf;
          predict += tp;
          oursSeed.push(accuracy(pred, f.yte));
          theirsSeed.push(accuracy(ref[k].rf!.find((r) => r.seed === seed)!.pred, f.yte));
        }
        ours.push(mean(oursSeed));
        theirs.push(mean(theirsSeed));
      }
      const skFit = idx.reduce((s, k) => s + ref[k].rf!.reduce((t, r) => t + r.fit, 0), 0);
      const skPredict = idx.reduce((s, k) => s + ref[k].rf!.reduce((t, r) => t + r.predict, 0), 0);
      const diff = mean(ours) - mean(theirs);
      cells.push({
        model: 'rf',
        protocol: p.name,
        folds: idx.length,
        seeds: seeds.length,
        fitSeconds: round(fit, 3),
        sklearnFitSeconds: round(skFit, 3),
        fitRatio: round(fit / skFit, 3),
        predictSeconds: round(predict, 3),
        sklearnPredictSeconds: round(skPredict, 3),
        predictRatio: round(predict / skPredict, 3),
        fitCpuRatio: round(
          cpu[`rf-fit-${p.name}`] / idx.reduce((s, k) => s + ref[k].rf!.reduce((t, r) => t + r.fitCpu, 0), 0),
          3,
        ),
        predictCpuRatio: round(
          cpu[`rf-predict-${p.name}`] /
            idx.reduce((s, k) => s + ref[k].rf!.reduce((t, r) => t + r.predictCpu, 0), 0),
          3,
        ),
        accuracy: round(mean(ours)),
        sklearnAccuracy: round(mean(theirs)),
        accuracyBySeed: ours.map((a) => round(a)),
        sklearnAccuracyBySeed: theirs.map((a) => round(a)),
        accuracyDiff: round(diff),
      });
      ok &&= fit <= skFit && predict <= skPredict && Math.abs(diff) <= 0.01;
    }
  }
  console.log(
    JSON.stringify(
      {
        bench: 'classic',
        quick,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((x) => round(x, 2)),
        seconds: round((Date.now() - started) / 1000, 1),
        svmWarmup,
        cells,
        ok,
      },
      null,
      1,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
