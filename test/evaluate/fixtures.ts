/** Small evaluation reports for the compare, viz and HTML tests. */
import {
  buildEvaluationReport,
  type EvaluatedClip,
  type EvaluationReport,
} from '../../lib/evaluate/evaluation-report';
import { Rng } from '../../lib/util/rng';

export const LABELS = ['angry', 'happy', 'neutral', 'sad'];
export const PROTOCOL = {
  kind: 'speaker' as const,
  corpora: ['tess'],
  detail: 'train OAF → test YAF',
};

/**
 * A model right on each clip with probability `pCorrect`, on `n` clips of three speakers; the same seed gives
 * the same clips and truth, so two models built with one seed share their test set.
 */
export function simulatedReport(
  pCorrect: number,
  options: { n?: number; seed?: number; modelSeed?: number; model?: string } = {},
): EvaluationReport {
  const n = options.n ?? 120;
  const data = new Rng(options.seed ?? 1);
  const model = new Rng(options.modelSeed ?? 2);
  const clips: EvaluatedClip[] = [];
  const yTrue: number[] = [];
  const probabilities: number[][] = [];
  for (let i = 0; i < n; i++) {
    const speaker = ['S1', 'S2', 'S3'][i % 3];
    clips.push({ id: `clip-${i}`, corpus: 'tess', speaker, gender: 'female' });
    const y = data.int(LABELS.length);
    yTrue.push(y);
    const predicted = model.next() < pCorrect ? y : (y + 1 + model.int(LABELS.length - 1)) % LABELS.length;
    const top = 0.3 + 0.7 * model.next();
    probabilities.push(LABELS.map((_, c) => (c === predicted ? top : (1 - top) / (LABELS.length - 1))));
  }
  return buildEvaluationReport(
    { protocol: PROTOCOL, labels: LABELS, yTrue, probabilities, clips, model: options.model },
    { bootstrap: { nResamples: 200 } },
  );
}
