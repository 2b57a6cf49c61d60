import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCorpus, applySpeakerSplit, defaultSpeakerSplit, loadTessLayout } from '../../lib/data';
import { UserError } from '../../lib/util/errors';
import { realDataRoot } from '../helpers/data';

test('TESS: all 2800 files labelled, 400 per emotion, 1400 per speaker', async () => {
  const load = await loadCorpus('tess', realDataRoot('tess'));
  assert.equal(load.records.length + load.skipped.length, 2800);
  assert.equal(load.skipped.length, 0);
  const byEmotion = new Map<string, number>();
  const bySpeaker = new Map<string, number>();
  for (const r of load.records) {
    byEmotion.set(r.emotion, (byEmotion.get(r.emotion) ?? 0) + 1);
    bySpeaker.set(r.speaker, (bySpeaker.get(r.speaker) ?? 0) + 1);
  }
  assert.deepEqual([...byEmotion.keys()].sort(), ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']);
  for (const n of byEmotion.values()) assert.equal(n, 400);
  assert.deepEqual(Object.fromEntries(bySpeaker), { OAF: 1400, YAF: 1400 });
});

test('TESS quirk: OA_bite_neutral.wav (prefix typo) is speaker OAF, neutral, word "bite"', async () => {
  const load = await loadCorpus('tess', realDataRoot('tess'));
  const r = load.records.find((x) => x.path.endsWith(path.join('OAF_neutral', 'OA_bite_neutral.wav')));
  assert.ok(r, 'OA_bite_neutral.wav missing from the records');
  assert.equal(r.speaker, 'OAF');
  assert.equal(r.emotion, 'neutral');
  assert.equal(r.sentence, 'bite');
});

test('TESS default split is speaker-independent: train OAF, test YAF, no overlap', async () => {
  const load = await loadCorpus('tess', realDataRoot('tess'));
  const spec = defaultSpeakerSplit(load.records);
  assert.deepEqual(spec.trainSpeakers, ['OAF']);
  assert.deepEqual(spec.testSpeakers, ['YAF']);
  const split = applySpeakerSplit(load.records, spec);
  const trainSpk = new Set(split.train.map((r) => r.speaker));
  assert.ok(split.test.every((r) => !trainSpk.has(r.speaker)));
  assert.equal(split.train.length + split.test.length, 2800);
  assert.throws(() => applySpeakerSplit(load.records, { ...spec, testSpeakers: ['OAF'] }), /both sides/);
});

test('TESS-style loader: mislabelled and misnamed files are skipped with a reason; empty folder is a UserError', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-tess-'));
  fs.mkdirSync(path.join(dir, 'tess', 'AB_sad'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tess', 'AB_sad', 'AB_dog_sad.wav'), '');
  fs.writeFileSync(path.join(dir, 'tess', 'AB_sad', 'AB_dog_happy.wav'), '');
  fs.writeFileSync(path.join(dir, 'tess', 'AB_sad', 'notes.txt'), '');
  const load = loadTessLayout(dir, 'tess');
  assert.equal(load.records.length, 1);
  assert.equal(load.skipped.length, 2);
  assert.match(load.skipped.find((s) => s.path.endsWith('AB_dog_happy.wav'))!.reason, /disagrees/);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-empty-'));
  assert.throws(() => loadTessLayout(empty, 'tess'), (e: unknown) => e instanceof UserError && e.message.includes(empty));
  assert.throws(() => loadTessLayout(path.join(empty, 'missing'), 'tess'), /does not exist/);
});
