import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeWavSync } from '../../lib/audio';
import type { ManifestRow } from '../../lib/data';
import { leaveOneSpeakerOutSplit, stratifiedRandomSplit } from '../../lib/data';
import {
  clipPerEmotion,
  columnsMatching,
  corpusStructure,
  prepareNotebookCorpora,
  rowMeans,
  splitOverlap,
  summariseByGroup,
} from '../../lib/notebook';

type Row = Pick<
  ManifestRow,
  'id' | 'corpus' | 'speaker' | 'emotion' | 'contentHash' | 'sentence' | 'intensity' | 'repetition'
>;

/** A RAVDESS-like grid: speakers × sentences × emotions × intensities × takes, every clip distinct audio. */
function grid(
  speakers: string[],
  sentences: string[],
  emotions: string[],
  intensities: ('normal' | 'strong')[],
  takes: number,
): Row[] {
  const rows: Row[] = [];
  for (const speaker of speakers)
    for (const sentence of sentences)
      for (const emotion of emotions)
        for (const intensity of intensities)
          for (let take = 1; take <= takes; take++) {
            const id = `c/${speaker}/${sentence}/${emotion}/${intensity}/${take}`;
            rows.push({
              id,
              corpus: 'c',
              speaker,
              sentence,
              emotion: emotion as Row['emotion'],
              intensity,
              repetition: take,
              contentHash: id,
            });
          }
  return rows;
}

test('splitOverlap: a random split shares speakers, sentences and near twins; leave-one-speaker-out none', () => {
  const rows = grid(
    ['01', '02', '03', '04'],
    ['kids', 'dogs'],
    ['angry', 'sad', 'happy'],
    ['normal', 'strong'],
    2,
  );
  const source = { hash: 'test', rows };
  const random = splitOverlap(source, stratifiedRandomSplit(source, { testFraction: 0.25, seed: 1 }));
  assert.equal(random.protocol, 'random');
  assert.equal(random.testClips, 24);
  assert.equal(random.speakerInTrain, 1);
  assert.equal(random.sentenceInTrain, 1);
  assert.equal(random.speakerSentenceInTrain, 1);
  // Each test clip has 3 same-speaker-sentence-emotion siblings; at least one is in training unless all 4 are in test.
  assert.ok(random.twinInTrain > 0.5 && random.twinInTrain <= 1, `${random.twinInTrain}`);
  const loso = splitOverlap(source, leaveOneSpeakerOutSplit(source));
  assert.deepEqual(
    [
      loso.folds,
      loso.testClips,
      loso.speakerInTrain,
      loso.sentenceInTrain,
      loso.speakerSentenceInTrain,
      loso.twinInTrain,
    ],
    [4, 96, 0, 1, 0, 0],
  );
});

test('clipPerEmotion: same speaker and sentence across emotions, strong intensity and first take first', () => {
  const rows = [
    ...grid(['01'], ['dogs'], ['angry', 'sad'], ['normal', 'strong'], 2),
    // Speaker 02 covers one more emotion with "kids": that group wins.
    ...grid(['02'], ['kids'], ['angry', 'sad', 'happy'], ['normal', 'strong'], 2),
    { ...grid(['09'], ['x'], ['angry'], ['normal'], 1)[0], corpus: 'other' },
  ];
  const picked = clipPerEmotion(rows, 'c');
  assert.deepEqual(
    picked.map((r) => [r.speaker, r.sentence, r.emotion, r.intensity, r.repetition]),
    [
      ['02', 'kids', 'angry', 'strong', 1],
      ['02', 'kids', 'happy', 'strong', 1],
      ['02', 'kids', 'sad', 'strong', 1],
    ],
  );
  assert.deepEqual(clipPerEmotion(rows, 'missing'), []);
});

test('corpusStructure: who says what how often', () => {
  const rows = [
    ...grid(['01', '02'], ['kids', 'dogs'], ['angry', 'sad'], ['normal', 'strong'], 2),
    // A second corpus where one word lacks an emotion.
    ...grid(['A'], ['back', 'bar'], ['angry', 'sad'], ['normal'], 1)
      .map((r) => ({ ...r, corpus: 'd' }))
      .slice(0, 3),
  ];
  const [c, d] = corpusStructure(rows);
  assert.deepEqual(c, {
    corpus: 'c',
    clips: 32,
    speakers: 2,
    sentences: 2,
    emotions: 2,
    clipsPerSpeaker: 16,
    clipsPerSpeakerSentence: 8,
    clipsPerSpeakerSentenceEmotion: 4,
    sentencesInAllEmotions: 1,
  });
  assert.equal(d.clips, 3);
  assert.equal(d.sentencesInAllEmotions, 0.5);
  assert.equal(d.clipsPerSpeakerSentenceEmotion, 1);
});

test('summariseByGroup, columnsMatching and rowMeans', () => {
  const names = ['mfcc0_mean', 'mfcc1_mean', 'rms_mean', 'mfcc0_std'];
  const vectors = [
    [1, 2, 3, 4],
    [3, 4, 5, 6],
    [10, 20, 30, 40],
  ];
  const mfccMeans = columnsMatching(names, /^mfcc\d+_mean$/);
  assert.deepEqual(mfccMeans, [0, 1]);
  const groups = summariseByGroup(vectors, ['sad', 'sad', 'angry'], { columns: mfccMeans });
  assert.deepEqual(groups, [
    { name: 'angry', count: 1, mean: [10, 20], std: [0, 0] },
    { name: 'sad', count: 2, mean: [2, 3], std: [1, 1] },
  ]);
  assert.deepEqual(summariseByGroup(vectors, ['a', 'a', 'a'], { order: ['a', 'b'] })[1], {
    name: 'b',
    count: 0,
    mean: [0, 0, 0, 0],
    std: [0, 0, 0, 0],
  });
  assert.deepEqual(rowMeans(vectors, mfccMeans), [1.5, 3.5, 15]);
  assert.throws(() => rowMeans(vectors, []), /no columns/);
  assert.throws(() => summariseByGroup(vectors, ['a']), /3 vectors for 1 labels/);
});

test('prepareNotebookCorpora lists the corpora present and skips missing folders', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-explore-'));
  try {
    const folder = path.join(root, 'tess', 'OAF_angry');
    fs.mkdirSync(folder, { recursive: true });
    writeWavSync(path.join(folder, 'OAF_back_angry.wav'), [new Float32Array(1600)], 16000);
    const found = await prepareNotebookCorpora({ root, wanted: ['tess', 'ravdess'] });
    assert.deepEqual([found.root, found.corpora, found.synthetic], [root, ['tess'], false]);
    assert.match(found.message, /\*\*tess\*\*/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
