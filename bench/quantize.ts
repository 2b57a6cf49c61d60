/**
 * What weight quantisation (`ser export --quantize`) costs on a real speaker-independent test split: a zoo
 * model is trained on one fold, exported as float16 and uint8, and all three predict the fold's test clips.
 * Prints one JSON object: weights.bin bytes, test accuracy, clips whose label changed, largest score change.
 *
 *   node scripts/build.js && node dist/bench/quantize.js [--model best-mlp] [--corpus tess] [--split speaker]
 *     [--fold 1] [--limit-per-class N] [--epochs N]   (folds count from 1, as printed)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveDataRoot } from '../lib/data/root';
import { foldIndex as foldIndexOf, speakerKey } from '../lib/data/split';
import { argmax } from '../lib/metrics/summary';
import { exportQuantizedModelDir } from '../lib/models/model-dir';
import { WEIGHT_QUANTIZATIONS } from '../lib/models/quantize';
import { featureSet } from '../lib/features/sets';
import { zooEntry, type ZooModelName } from '../lib/models/zoo';
import { loadFeatureTable, makeSplit, type SplitName } from '../lib/train/dataset';
import { trainFold } from '../lib/train/train-model';
import { loadPipeline } from '../lib/train/pipeline-dir';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const model = (arg('model') ?? 'best-mlp') as ZooModelName;
  const corpus = arg('corpus') ?? 'tess';
  const splitName = (arg('split') ?? 'speaker') as SplitName;
  const limit = arg('limit-per-class');
  const epochs = arg('epochs');
  const entry = zooEntry(model);
  if (entry.kind !== 'neural')
    throw new Error(`${model} is a classic model: quantisation applies to tfjs models`);
  const root = resolveDataRoot();
  const table = await loadFeatureTable([corpus], root, featureSet(entry.features), {
    limitPerClass: limit === undefined ? undefined : Number(limit),
    seed: 42,
    progress: false,
  });
  const split = makeSplit(table, splitName, { seed: 42 });
  const foldIndex = foldIndexOf(split, Number(arg('fold') ?? 1));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-bench-quantize-'));
  try {
    const f32 = path.join(dir, 'float32');
    const trained = await trainFold(table, split, foldIndex, {
      model,
      splitName,
      out: f32,
      seed: 42,
      training: epochs === undefined ? undefined : { epochs: Number(epochs) },
    });
    const byId = new Map(table.rows.map((r, i) => [r.id, i]));
    const test = trained.testRecords.map((r) => byId.get(r.id)!);
    const vectors = test.map((i) => table.vectors.get(i));
    const speakers = test.map((i) => speakerKey(table.rows[i]));
    const yTrue = trained.yTrue;
    const measure = async (modelDir: string) => {
      const m = await loadPipeline(modelDir);
      try {
        const probs = m.predictProba(vectors, speakers);
        const yPred = probs.map((p) => argmax(p));
        return { probs, yPred, accuracy: yPred.filter((y, i) => y === yTrue[i]).length / yTrue.length };
      } finally {
        m.dispose();
      }
    };
    const bytes = (d: string) => fs.statSync(path.join(d, 'weights.bin')).size;
    const base = await measure(f32);
    const variants: Record<string, object> = {
      float32: { weightsBytes: bytes(f32), accuracy: base.accuracy },
    };
    for (const q of WEIGHT_QUANTIZATIONS) {
      const out = path.join(dir, q);
      await exportQuantizedModelDir(f32, out, q);
      const r = await measure(out);
      let maxScoreDiff = 0;
      r.probs.forEach((p, i) =>
        p.forEach((s, k) => (maxScoreDiff = Math.max(maxScoreDiff, Math.abs(s - base.probs[i][k])))),
      );
      variants[q] = {
        weightsBytes: bytes(out),
        accuracy: r.accuracy,
        accuracyChange: r.accuracy - base.accuracy,
        labelsChanged: r.yPred.filter((y, i) => y !== base.yPred[i]).length,
        maxScoreDiff,
      };
    }
    process.stdout.write(
      JSON.stringify(
        {
          model,
          corpus,
          split: splitName,
          fold: trained.fold,
          testClips: yTrue.length,
          testSpeakers: [...new Set(speakers)].sort(),
          epochs: trained.history.length,
          variants,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/quantize: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
