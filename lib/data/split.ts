/**
 * Train/test splits. Every split asserts that no speaker is on both sides: a speaker-independent
 * evaluation is the default of this toolkit because random splits of SER corpora put the same voice (and in
 * TESS the same words) in training and test, which inflates accuracy.
 */
import type { ClipRecord } from './types';

export type SplitProtocol = 'speaker-independent';

export interface SpeakerSplitSpec {
  protocol: SplitProtocol;
  corpus: string;
  trainSpeakers: string[];
  testSpeakers: string[];
}

export interface SplitResult<T extends ClipRecord = ClipRecord> {
  spec: SpeakerSplitSpec;
  train: T[];
  test: T[];
}

/**
 * Default held-out speakers per corpus: TESS trains on OAF and tests on YAF (the published
 * speaker-independent protocol); otherwise the last speaker in sorted order is held out.
 */
export function defaultSpeakerSplit(records: ClipRecord[]): SpeakerSplitSpec {
  const speakers = [...new Set(records.map((r) => r.speaker))].sort();
  if (speakers.length < 2) throw new Error('a speaker-independent split needs at least two speakers');
  const corpus = records[0].corpus;
  const test = corpus === 'tess' && speakers.includes('YAF') ? ['YAF'] : [speakers[speakers.length - 1]];
  return { protocol: 'speaker-independent', corpus, trainSpeakers: speakers.filter((s) => !test.includes(s)), testSpeakers: test };
}

/** Apply a speaker split; throws if a speaker is on both sides or a side is empty. */
export function applySpeakerSplit<T extends ClipRecord>(records: T[], spec: SpeakerSplitSpec): SplitResult<T> {
  const overlap = spec.trainSpeakers.filter((s) => spec.testSpeakers.includes(s));
  if (overlap.length > 0) throw new Error(`speaker(s) ${overlap.join(', ')} on both sides of the split`);
  const train = records.filter((r) => spec.trainSpeakers.includes(r.speaker));
  const test = records.filter((r) => spec.testSpeakers.includes(r.speaker));
  if (train.length === 0 || test.length === 0) {
    throw new Error(`split ${spec.trainSpeakers.join('+')} → ${spec.testSpeakers.join('+')} leaves a side empty`);
  }
  return { spec, train, test };
}

/** A one-line description of a split for tables and figure titles. */
export function describeSplit(spec: SpeakerSplitSpec): string {
  return `speaker-independent (${spec.corpus}: train ${spec.trainSpeakers.join('+')} → test ${spec.testSpeakers.join('+')})`;
}
