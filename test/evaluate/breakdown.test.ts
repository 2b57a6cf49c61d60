import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown, type BreakdownRecord } from '../../lib/evaluate/breakdown';

const clip = (corpus: string, speaker: string, gender: BreakdownRecord['gender']): BreakdownRecord => ({
  corpus,
  speaker,
  gender,
});

test('breakdown: metrics per speaker (corpus/speaker), corpus and gender, groups sorted', () => {
  const records = [
    clip('tess', 'YAF', 'female'),
    clip('tess', 'YAF', 'female'),
    clip('tess', 'YAF', 'female'),
    clip('ravdess', '01', 'male'),
    clip('ravdess', '01', 'male'),
    clip('ravdess', '02', 'female'),
  ];
  const yTrue = [0, 1, 2, 0, 1, 2];
  const yPred = [0, 1, 1, 1, 1, 2];
  const speakers = breakdown(records, yTrue, yPred, 3, 'speaker');
  assert.deepEqual(
    speakers.map((g) => [g.group, g.n]),
    [
      ['ravdess/01', 2],
      ['ravdess/02', 1],
      ['tess/YAF', 3],
    ],
  );
  const yaf = speakers[2];
  assert.equal(yaf.accuracy, 2 / 3);
  assert.equal(yaf.uar, 2 / 3);
  // Classes 0, 1, 2 all seen: F1 = 1, 2/3 (p ½, r 1), 0.
  assert.ok(Math.abs(yaf.macroF1 - (1 + 2 / 3 + 0) / 3) < 1e-15);
  const r01 = speakers[0];
  // True {0, 1}, predicted {1, 1}: UAR over the classes in the truth = (0 + 1) / 2; macro F1 over all three
  // labels, class 2 (neither true nor predicted) counting 0 as in scikit-learn = (0 + 2/3 + 0) / 3.
  assert.equal(r01.uar, 0.5);
  assert.ok(Math.abs(r01.macroF1 - 2 / 9) < 1e-15);

  const corpora = breakdown(records, yTrue, yPred, 3, 'corpus');
  assert.deepEqual(
    corpora.map((g) => [g.group, g.n, g.accuracy]),
    [
      ['ravdess', 3, 2 / 3],
      ['tess', 3, 2 / 3],
    ],
  );
  const genders = breakdown(records, yTrue, yPred, 3, 'gender');
  assert.deepEqual(
    genders.map((g) => [g.group, g.n, g.accuracy]),
    [
      ['female', 4, 3 / 4],
      ['male', 2, 1 / 2],
    ],
  );
  assert.throws(() => breakdown(records.slice(1), yTrue, yPred, 3, 'speaker'), /5 records/);
});
