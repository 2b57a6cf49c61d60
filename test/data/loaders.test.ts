/**
 * Corpus loaders on their real naming conventions: real RAVDESS (label counts), and tiny generated fixtures
 * for CREMA-D, SAVEE, EmoDB and the generic folder-per-class layout, including the names each must refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCorpus, loadClassFolders, unifyEmotion, type ClipRecord, type CorpusLoad } from '../../lib/data';
import { UserError } from '../../lib/util/errors';
import { realDataRoot } from '../helpers/data';
import { tempDir, writeFixtureFiles } from './fixtures';

/** The record or skip reason for a file, by its path relative to the corpus folder. */
function byName(load: CorpusLoad, rel: string): ClipRecord {
  const r = load.records.find((x) => x.path === path.join(load.dir, rel));
  assert.ok(r, `${rel} is not among the records; skipped: ${JSON.stringify(load.skipped)}`);
  return r;
}
function skipReason(load: CorpusLoad, rel: string): string {
  const s = load.skipped.find((x) => x.path === path.join(load.dir, rel));
  assert.ok(s, `${rel} was not skipped`);
  return s.reason;
}
const labels = (r: ClipRecord) => ({
  speaker: r.speaker,
  gender: r.gender,
  emotion: r.emotion,
  corpusLabel: r.corpusLabel,
  intensity: r.intensity,
  sentence: r.sentence,
  ...(r.repetition !== undefined ? { repetition: r.repetition } : {}),
});

test('RAVDESS (real): 16 actors × 60 files, neutral 4 / others 8 each, odd actors male, two statements', async () => {
  const load = await loadCorpus('ravdess', realDataRoot('ravdess'));
  assert.equal(load.skipped.length, 0, JSON.stringify(load.skipped.slice(0, 3)));
  assert.equal(load.records.length, 960);
  const actors = [...new Set(load.records.map((r) => r.speaker))].sort();
  assert.deepEqual(actors, Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, '0')));
  for (const actor of actors) {
    const mine = load.records.filter((r) => r.speaker === actor);
    assert.equal(mine.length, 60, actor);
    const counts = new Map<string, number>();
    for (const r of mine) counts.set(r.emotion, (counts.get(r.emotion) ?? 0) + 1);
    assert.equal(counts.size, 8, actor);
    for (const [emotion, n] of counts) assert.equal(n, emotion === 'neutral' ? 4 : 8, `${actor} ${emotion}`);
    assert.ok(mine.every((r) => r.gender === (Number(actor) % 2 === 1 ? 'male' : 'female')));
    assert.equal(mine.filter((r) => r.intensity === 'strong').length, 28, actor);
  }
  const r = byName(load, path.join('Actor_05', '03-01-08-02-02-01-05.wav'));
  assert.deepEqual(labels(r), {
    speaker: '05',
    gender: 'male',
    emotion: 'surprise',
    corpusLabel: '08',
    intensity: 'strong',
    sentence: 'dogs are sitting by the door',
    repetition: 1,
  });
  const merged = await loadCorpus('ravdess', realDataRoot('ravdess'), { calm: 'neutral' });
  assert.equal(merged.records.filter((x) => x.emotion === 'neutral').length, 16 * 12);
  assert.equal(merged.records.filter((x) => x.emotion === 'calm').length, 0);
});

test('RAVDESS naming: song, video, neutral-strong, bad fields and a wrong Actor folder are skipped with reasons', async () => {
  const root = tempDir('ser-ravdess-');
  const ok = ['Actor_02/03-01-02-01-01-02-02.wav', 'Actor_02/03-01-01-01-02-01-02.flac'];
  const bad: Record<string, RegExp> = {
    'Actor_02/03-02-03-01-01-01-02.wav': /song/,
    'Actor_02/01-01-03-01-01-01-02.wav': /modality 01/,
    'Actor_02/03-01-01-02-01-01-02.wav': /neutral .* no strong/,
    'Actor_02/03-01-09-01-01-01-02.wav': /emotion code 09/,
    'Actor_02/03-01-03-01-03-01-02.wav': /statement 03/,
    'Actor_02/03-01-03-01-01-01-03.wav': /disagrees with folder Actor_02/,
    'Actor_02/03-01-03-01-01-01-25.wav': /actor 25/,
    'Actor_02/03-01-03-01.wav': /seven two-digit fields/,
    'Actor_02/notes.txt': /not an audio file/,
  };
  writeFixtureFiles(path.join(root, 'ravdess'), [...ok, ...Object.keys(bad)]);
  const load = await loadCorpus('ravdess', root);
  assert.equal(load.records.length, 2);
  assert.equal(byName(load, ok[0]).emotion, 'calm');
  assert.equal(byName(load, ok[1]).gender, 'female');
  for (const [rel, reason] of Object.entries(bad)) assert.match(skipReason(load, rel), reason, rel);
  assert.equal(load.records.length + load.skipped.length, ok.length + Object.keys(bad).length);
});

test('CREMA-D fixture: actor, sentence code, emotion and level; gender from VideoDemographics.csv when present', async () => {
  const root = tempDir('ser-cremad-');
  const files = [
    'AudioWAV/1001_DFA_ANG_XX.wav',
    'AudioWAV/1001_IEO_HAP_HI.wav',
    'AudioWAV/1002_TIE_SAD_LO.wav',
    'AudioWAV/1002_ITS_NEU_MD.wav',
    'AudioWAV/1003_WSI_FEA_XX.wav',
    'AudioWAV/1003_MTI_DIS_XX.wav',
  ];
  const bad: Record<string, RegExp> = {
    'AudioWAV/1001_DFA_XYZ_XX.wav': /emotion code XYZ/,
    'AudioWAV/1001_ABC_ANG_XX.wav': /sentence code ABC/,
    'AudioWAV/1001_DFA_ANG_ZZ.wav': /level ZZ/,
    'AudioWAV/1001-DFA-ANG-XX.wav': /ACTOR_SENTENCE_EMOTION_LEVEL/,
    'VideoDemographics.csv': /demographics/,
  };
  const csv = 'ActorID,Age,Sex,Race,Ethnicity\n1001,51,Male,Caucasian,Not Hispanic\n"1002",21,"Female",Caucasian,Not Hispanic\n';
  writeFixtureFiles(path.join(root, 'CREMA-D'), [...files, ...Object.keys(bad)], { 'VideoDemographics.csv': csv });
  const load = await loadCorpus('cremad', root);
  assert.equal(load.dir, path.join(root, 'CREMA-D'), 'found under its published folder name');
  assert.equal(load.records.length, 6);
  assert.deepEqual(labels(byName(load, files[0])), {
    speaker: '1001',
    gender: 'male',
    emotion: 'angry',
    corpusLabel: 'ANG',
    intensity: 'unspecified',
    sentence: 'DFA',
  });
  assert.deepEqual(
    load.records.map((r) => [r.emotion, r.intensity, r.gender]),
    [
      ['angry', 'unspecified', 'male'],
      ['happy', 'high', 'male'],
      ['neutral', 'medium', 'female'],
      ['sad', 'low', 'female'],
      ['disgust', 'unspecified', 'unknown'],
      ['fear', 'unspecified', 'unknown'],
    ],
  );
  for (const [rel, reason] of Object.entries(bad)) assert.match(skipReason(load, rel), reason, rel);
  fs.rmSync(path.join(root, 'CREMA-D', 'VideoDemographics.csv'));
  const noDemo = await loadCorpus('cremad', root);
  assert.ok(noDemo.records.every((r) => r.gender === 'unknown'), 'demographics are optional');
});

test('SAVEE fixture: DC/a01.wav and DC_a01.wav layouts, seven emotion prefixes, four male speakers', async () => {
  const root = tempDir('ser-savee-');
  const files = [
    'AudioData/DC/a01.wav',
    'AudioData/JE/sa03.wav',
    'AudioData/JK/su12.wav',
    'AudioData/KL/n30.wav',
    'ALL/DC_h05.wav',
    'ALL/JE_d02.wav',
    'ALL/KL_f15.wav',
  ];
  const bad: Record<string, RegExp> = {
    'AudioData/XY/a01.wav': /speaker "XY"/,
    'AudioData/DC/q01.wav': /emotion prefix "q"/,
    'a01.wav': /neither/,
    'ALL/DC-a01.wav': /neither/,
  };
  writeFixtureFiles(path.join(root, 'savee'), [...files, ...Object.keys(bad)]);
  const load = await loadCorpus('savee', root);
  assert.deepEqual(
    load.records.map((r) => [r.speaker, r.emotion, r.sentence]).sort(),
    [
      ['DC', 'angry', 'a01'],
      ['DC', 'happy', 'h05'],
      ['JE', 'disgust', 'd02'],
      ['JE', 'sad', 'sa03'],
      ['JK', 'surprise', 'su12'],
      ['KL', 'fear', 'f15'],
      ['KL', 'neutral', 'n30'],
    ],
  );
  assert.ok(load.records.every((r) => r.gender === 'male'));
  for (const [rel, reason] of Object.entries(bad)) assert.match(skipReason(load, rel), reason, rel);
});

test('EmoDB fixture: speaker, text, German emotion letter, version; boredom skipped by default or mapped by option', async () => {
  const root = tempDir('ser-emodb-');
  const files = ['wav/03a01Fa.wav', 'wav/16b03Wb.wav', 'wav/09a05Ec.wav', 'wav/10a07Ad.wav', 'wav/11a02Tb.wav', 'wav/12b01Na.wav'];
  const boredom = 'wav/08b10La.wav';
  const bad: Record<string, RegExp> = { 'wav/05a01Fa.wav': /speaker 05/, 'wav/03a01Xa.wav': /letter X/, 'wav/03a1Fa.wav': /SPEAKER TEXT/ };
  writeFixtureFiles(path.join(root, 'emodb'), [...files, boredom, ...Object.keys(bad)]);
  const load = await loadCorpus('emodb', root);
  assert.deepEqual(
    load.records.map((r) => [r.speaker, r.gender, r.sentence, r.emotion, r.repetition]),
    [
      ['03', 'male', 'a01', 'happy', 1],
      ['09', 'female', 'a05', 'disgust', 3],
      ['10', 'male', 'a07', 'fear', 4],
      ['11', 'male', 'a02', 'sad', 2],
      ['12', 'male', 'b01', 'neutral', 1],
      ['16', 'female', 'b03', 'angry', 2],
    ],
  );
  assert.match(skipReason(load, boredom), /boredom/);
  for (const [rel, reason] of Object.entries(bad)) assert.match(skipReason(load, rel), reason, rel);
  const kept = await loadCorpus('emodb', root, { boredom: 'neutral' });
  assert.equal(byName(kept, boredom).emotion, 'neutral');
  assert.equal(byName(kept, boredom).corpusLabel, 'L');
  assert.equal((await loadCorpus('emodb', root, { boredom: 'calm', calm: 'neutral' })).records.length, 7);
  assert.equal(unifyEmotion('boredom', { boredom: 'calm', calm: 'neutral' }), 'neutral', 'calm merge applies to mapped boredom');
});

test('folder-per-class: class folders by name or synonym, speaker from sub-folder or pattern, unknown classes skipped', () => {
  const root = tempDir('ser-folder-');
  writeFixtureFiles(root, ['Anger/s1_a.wav', 'happiness/s2_b.wav', 'fearful/s1_c.flac', 'sad/spkA/x.wav', 'bored/s1_d.wav', 'weird/s1_e.wav', 'sad/a/b/deep.wav', 'top.wav']);
  const load = loadClassFolders(root, { speakerPattern: /^(s\d)_/ });
  assert.deepEqual(
    load.records.map((r) => [path.relative(root, r.path), r.speaker, r.emotion]),
    [
      [path.join('Anger', 's1_a.wav'), 's1', 'angry'],
      [path.join('fearful', 's1_c.flac'), 's1', 'fear'],
      [path.join('happiness', 's2_b.wav'), 's2', 'happy'],
      [path.join('sad', 'spkA', 'x.wav'), 'spkA', 'sad'],
    ],
  );
  assert.match(skipReason(load, path.join('bored', 's1_d.wav')), /boredom/);
  assert.match(skipReason(load, path.join('weird', 's1_e.wav')), /not a known emotion/);
  assert.match(skipReason(load, path.join('sad', 'a', 'b', 'deep.wav')), /not in a <class>/);
  assert.match(skipReason(load, 'top.wav'), /not in a <class>/);
  assert.equal(loadClassFolders(root).records.find((r) => r.emotion === 'angry')?.speaker, 'unknown');
});

test('locating corpora: subfolderOnly refuses a root without the corpus folder; unknown corpus is a UserError', async () => {
  const root = tempDir('ser-locate-');
  await assert.rejects(loadCorpus('savee', root, { subfolderOnly: true }), (e: unknown) => e instanceof UserError && /no savee folder/.test(e.message) && e.message.includes(root));
  await assert.rejects(loadCorpus('savee', root), /no savee clips found/);
  await assert.rejects(loadCorpus('iemocap', root), /unknown corpus "iemocap"/);
});
