import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Split } from '../../lib/data/split';
import {
  buildEvaluationReport,
  describeProtocol,
  formatEvaluationReport,
  protocolFromSpeakerSplit,
  protocolFromSplit,
  type EvaluatedClip,
} from '../../lib/evaluate/evaluation-report';
import { describeSplit } from '../../lib/data/split';
import { classificationReport, f1Score } from '../../lib/metrics/classification-report';

test('describeProtocol: one line per protocol kind; a speaker split spec reads as describeSplit', () => {
  const spec = {
    protocol: 'speaker' as const,
    corpus: 'tess',
    trainSpeakers: ['OAF'],
    testSpeakers: ['YAF'],
  };
  assert.equal(describeProtocol(protocolFromSpeakerSplit(spec)), describeSplit(spec));
  const split = (protocol: Split['protocol'], params: Split['params'] = {}): Split => ({
    version: 1,
    protocol,
    speakerIndependent: protocol !== 'random',
    seed: null,
    params,
    manifestHash: 'h',
    folds: [],
  });
  const fold = (name: string) => ({ name, train: [], test: [], purged: [] });
  assert.equal(
    describeProtocol(protocolFromSplit(split('random'), fold('random'), ['tess', 'ravdess', 'tess'])),
    'random split (speakers shared, optimistic) (ravdess+tess: random)',
  );
  assert.equal(
    describeProtocol(protocolFromSplit(split('speaker'), fold('fold 2/5'), ['ravdess'])),
    'speaker-independent (ravdess: fold 2/5)',
  );
  assert.equal(
    describeProtocol(protocolFromSplit(split('loso'), fold('test ravdess/03'), ['ravdess'])),
    'leave-one-speaker-out (ravdess: test ravdess/03)',
  );
  const cross = protocolFromSplit(
    split('cross', { train: ['tess', 'savee'], test: 'ravdess' }),
    fold('x'),
    [],
  );
  assert.equal(describeProtocol(cross), 'cross-corpus (train tess+savee → test ravdess)');
});

test('buildEvaluationReport: metrics, sklearn report, intervals, confusion, breakdowns, predictions; JSON round trip', () => {
  const labels = ['angry', 'happy', 'sad'];
  const clips: EvaluatedClip[] = [];
  const yTrue: number[] = [];
  const probabilities: number[][] = [];
  // Speaker A is always right, speaker B right on two of three classes.
  for (const speaker of ['A', 'B']) {
    for (let i = 0; i < 30; i++) {
      const y = i % 3;
      const predicted = speaker === 'A' || y !== 2 ? y : 0;
      clips.push({
        id: `${speaker}-${i}`,
        corpus: 'synthetic',
        speaker,
        gender: speaker === 'A' ? 'female' : 'male',
      });
      yTrue.push(y);
      probabilities.push(labels.map((_, c) => (c === predicted ? 0.8 : 0.1)));
    }
  }
  const protocol = {
    kind: 'speaker' as const,
    corpora: ['synthetic'],
    detail: 'train C → test A+B',
  };
  const r = buildEvaluationReport(
    { protocol, labels, yTrue, probabilities, clips, model: 'm' },
    { bootstrap: { nResamples: 200 } },
  );
  const yPred = probabilities.map((p) => p.indexOf(0.8));
  assert.equal(r.protocol.description, 'speaker-independent (synthetic: train C → test A+B)');
  assert.equal(r.n, 60);
  assert.equal(r.metrics.accuracy, 50 / 60);
  assert.equal(r.metrics.uar, (1 + 1 + 0.5) / 3);
  assert.equal(r.metrics.macroF1, f1Score(yTrue, yPred, 3));
  assert.equal(r.metrics.weightedF1, f1Score(yTrue, yPred, 3, { average: 'weighted' }));
  assert.deepEqual(r.report, classificationReport(yTrue, yPred, labels));
  assert.deepEqual(r.confusion.counts, [
    [20, 0, 0],
    [0, 20, 0],
    [10, 0, 10],
  ]);
  assert.deepEqual(r.confusion.normalised[2], [0.5, 0, 0.5]);
  for (const m of ['accuracy', 'uar', 'macroF1', 'weightedF1'] as const) {
    assert.equal(r.intervals[m].estimate, r.metrics[m]);
    assert.ok(r.intervals[m].lower <= r.metrics[m] && r.metrics[m] <= r.intervals[m].upper, m);
    assert.equal(r.intervals[m].nResamples, 200);
  }
  assert.deepEqual(
    r.breakdowns.speaker?.map((g) => [g.group, g.accuracy]),
    [
      ['synthetic/A', 1],
      ['synthetic/B', 20 / 30],
    ],
  );
  assert.equal(r.breakdowns.gender?.length, 2);
  assert.deepEqual(r.predictions?.[59], {
    id: 'B-29',
    trueLabel: 'sad',
    predicted: 'angry',
    confidence: 0.8,
  });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'serialisable without loss');

  const bySpeaker = buildEvaluationReport(
    { protocol, labels, yTrue, yPred, clips },
    { bootstrapBySpeaker: true, bootstrap: { nResamples: 50 }, keepPredictions: false },
  );
  assert.equal(bySpeaker.intervals.accuracy.method, 'cluster-percentile');
  assert.equal(bySpeaker.predictions, undefined);

  const text = formatEvaluationReport(r);
  assert.match(text.split('\n')[0], /^speaker-independent \(synthetic: train C → test A\+B\) — 60 clips$/);
  assert.match(text, /accuracy 83\.3 % \[\d+\.\d %, \d+\.\d %\]/);
  assert.match(text, /weighted avg/);
  assert.match(text, /synthetic\/B\s+30\s+66\.7 %/);
  assert.throws(() => buildEvaluationReport({ protocol, labels, yTrue }), /yPred or probabilities/);
});
