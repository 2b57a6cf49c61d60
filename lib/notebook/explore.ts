/**
 * Helpers of the exploration notebooks (01 data, 03 features): which corpora to show, how much a split
 * lets test clips share speakers and sentences with training, and per-group summaries of feature vectors.
 */
import { loadCorpus } from '../data/corpora';
import type { ManifestRow } from '../data/manifest';
import { resolveDataRoot } from '../data/root';
import { foldRows, type Split, type SplitSource } from '../data/split';
import { generateSyntheticSample } from '../data/synthetic';
import { isUserError } from '../util/errors';

/** The corpora a notebook explores. */
export interface NotebookCorpora {
  /** The data root. */
  root: string;
  /** Corpus names present under the root (for `buildManifest`), or `['synthetic']`. */
  corpora: string[];
  synthetic: boolean;
  /** What was found, for the learner (Markdown). */
  message: string;
}

/**
 * The real corpora among `wanted` (default TESS and RAVDESS) that have clips under the data root; with
 * none, the labelled SYNTHETIC sample (generated on first use) so that the notebook still runs.
 */
export async function prepareNotebookCorpora(
  options: { root?: string; wanted?: string[] } = {},
): Promise<NotebookCorpora> {
  const root = resolveDataRoot(options.root);
  const wanted = options.wanted ?? ['tess', 'ravdess'];
  const corpora: string[] = [];
  for (const name of wanted) {
    try {
      const load = await loadCorpus(name, root, { subfolderOnly: true });
      if (load.records.length > 0) corpora.push(name);
    } catch (err) {
      // A missing corpus folder is a UserError ("no tess folder"): the corpus is simply absent.
      if (!isUserError(err)) throw err;
    }
  }
  if (corpora.length > 0) {
    return {
      root,
      corpora,
      synthetic: false,
      message: `Corpora found under \`${root}\`: **${corpora.join(', ')}**.`,
    };
  }
  const made = generateSyntheticSample(root);
  return {
    root,
    corpora: ['synthetic'],
    synthetic: true,
    message:
      `> **Synthetic data.** None of ${wanted.join(', ')} is under \`${root}\`, so this notebook runs on a ` +
      `SYNTHETIC sample (${made.files} clips made with ${made.engine}). Its "emotions" are prosody settings of ` +
      'a speech synthesiser: the figures show how the tools work, not what emotional speech looks like. ' +
      'Put real corpora in the data folder (see data/README.md) and run again.',
  };
}

/** What a split's test clips share with its training clips (over all folds). */
export interface SplitOverlap {
  protocol: string;
  folds: number;
  /** Test clips, summed over folds. */
  testClips: number;
  /** Share of test clips whose speaker also has clips in training. */
  speakerInTrain: number;
  /** Share whose sentence (same words, same corpus) is spoken in training, by anyone. */
  sentenceInTrain: number;
  /** Share whose speaker says the same sentence in training (another emotion, intensity or take). */
  speakerSentenceInTrain: number;
  /** Share with a near twin in training: same speaker, sentence AND emotion (another intensity or take). */
  twinInTrain: number;
}

type OverlapRow = Pick<ManifestRow, 'id' | 'corpus' | 'speaker' | 'emotion' | 'contentHash' | 'sentence'>;

/**
 * How optimistic a split is: for each fold, which test clips have their speaker, their sentence, the same
 * speaker saying the same sentence, or a same-speaker same-sentence same-emotion twin on the training side.
 * A model can score on such clips by recognising the voice or the recording instead of the emotion.
 */
export function splitOverlap(source: SplitSource<OverlapRow>, split: Split): SplitOverlap {
  let testClips = 0;
  const seen = { speaker: 0, sentence: 0, speakerSentence: 0, twin: 0 };
  for (const fold of split.folds) {
    const { train, test } = foldRows(source, fold);
    const key = (r: OverlapRow, ...parts: (keyof OverlapRow)[]) => parts.map((p) => r[p]).join('\u0000');
    const sets = {
      speaker: new Set(train.map((r) => key(r, 'corpus', 'speaker'))),
      sentence: new Set(train.map((r) => key(r, 'corpus', 'sentence'))),
      speakerSentence: new Set(train.map((r) => key(r, 'corpus', 'speaker', 'sentence'))),
      twin: new Set(train.map((r) => key(r, 'corpus', 'speaker', 'sentence', 'emotion'))),
    };
    for (const r of test) {
      testClips++;
      if (sets.speaker.has(key(r, 'corpus', 'speaker'))) seen.speaker++;
      if (sets.sentence.has(key(r, 'corpus', 'sentence'))) seen.sentence++;
      if (sets.speakerSentence.has(key(r, 'corpus', 'speaker', 'sentence'))) seen.speakerSentence++;
      if (sets.twin.has(key(r, 'corpus', 'speaker', 'sentence', 'emotion'))) seen.twin++;
    }
  }
  const share = (n: number) => (testClips === 0 ? 0 : n / testClips);
  return {
    protocol: split.protocol,
    folds: split.folds.length,
    testClips,
    speakerInTrain: share(seen.speaker),
    sentenceInTrain: share(seen.sentence),
    speakerSentenceInTrain: share(seen.speakerSentence),
    twinInTrain: share(seen.twin),
  };
}

/** Mean and (population) standard deviation of each column, for the rows of one group. */
export interface GroupSummary {
  name: string;
  count: number;
  mean: number[];
  std: number[];
}

/**
 * Column means and standard deviations of `vectors` per label, in `order` (default: sorted labels).
 * `columns` picks the columns (default all), e.g. the `mfcc*_mean` entries of a stats feature set.
 */
export function summariseByGroup(
  vectors: readonly ArrayLike<number>[],
  labels: readonly string[],
  options: { order?: readonly string[]; columns?: readonly number[] } = {},
): GroupSummary[] {
  if (vectors.length !== labels.length)
    throw new Error(`summariseByGroup: ${vectors.length} vectors for ${labels.length} labels`);
  const order = options.order ?? [...new Set(labels)].sort();
  const width = vectors.length > 0 ? vectors[0].length : 0;
  const columns = options.columns ?? Array.from({ length: width }, (_, j) => j);
  return order.map((name) => {
    const rows = vectors.filter((_, i) => labels[i] === name);
    const mean = columns.map((j) => rows.reduce((s, r) => s + r[j], 0) / Math.max(1, rows.length));
    const std = columns.map((j, k) =>
      Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[k]) ** 2, 0) / Math.max(1, rows.length)),
    );
    return { name, count: rows.length, mean, std };
  });
}

/** Indices of the names that match `pattern` (e.g. `/^mfcc\d+_mean$/` among a set's feature names). */
export function columnsMatching(names: readonly string[], pattern: RegExp): number[] {
  return names.flatMap((n, i) => (pattern.test(n) ? [i] : []));
}

type ClipRow = Pick<
  ManifestRow,
  'corpus' | 'speaker' | 'emotion' | 'sentence' | 'intensity' | 'repetition' | 'id'
>;

/**
 * One clip per emotion of `corpus` that differ in emotion only, as far as the corpus allows: the same
 * speaker saying the same sentence (the first speaker and sentence, in id order, that cover the most
 * emotions), preferring the strongest intensity and the first take. Sorted by emotion.
 */
export function clipPerEmotion<R extends ClipRow>(rows: readonly R[], corpus: string): R[] {
  const own = rows
    .filter((r) => r.corpus === corpus)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const groups = new Map<string, R[]>();
  for (const r of own) {
    const key = `${r.speaker}\u0000${r.sentence}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const emotionCount = (g: R[]) => new Set(g.map((r) => r.emotion)).size;
  let best: R[] = [];
  for (const g of groups.values()) if (emotionCount(g) > emotionCount(best)) best = g;
  const rank = (r: R) =>
    (r.intensity === 'strong' || r.intensity === 'high' ? 0 : 1) * 100 + (r.repetition ?? 1);
  const byEmotion = new Map<string, R>();
  for (const r of best) {
    const kept = byEmotion.get(r.emotion);
    if (kept === undefined || rank(r) < rank(kept)) byEmotion.set(r.emotion, r);
  }
  return [...byEmotion.values()].sort((a, b) => (a.emotion < b.emotion ? -1 : 1));
}

/** How a corpus is built: who says what how often (one row per corpus). */
// A type alias, not an interface, so that rows pass as table records (`showTable`).
export type CorpusStructure = {
  corpus: string;
  clips: number;
  speakers: number;
  sentences: number;
  emotions: number;
  /** Clips per speaker (mean). */
  clipsPerSpeaker: number;
  /** Clips per (speaker, sentence): the same words in several emotions, intensities and takes. */
  clipsPerSpeakerSentence: number;
  /** Clips per (speaker, sentence, emotion): more than 1 means near twins (other intensity or take). */
  clipsPerSpeakerSentenceEmotion: number;
  /** Share of sentences spoken in every emotion of the corpus (1: words carry no emotion information). */
  sentencesInAllEmotions: number;
};

/** {@link CorpusStructure} of each corpus in `rows`, sorted by corpus. */
export function corpusStructure(rows: readonly ClipRow[]): CorpusStructure[] {
  const corpora = [...new Set(rows.map((r) => r.corpus))].sort();
  return corpora.map((corpus) => {
    const own = rows.filter((r) => r.corpus === corpus);
    const count = (key: (r: ClipRow) => string) => new Set(own.map(key)).size;
    const emotions = count((r) => r.emotion);
    const emotionsPerSentence = new Map<string, Set<string>>();
    for (const r of own)
      emotionsPerSentence.set(r.sentence, (emotionsPerSentence.get(r.sentence) ?? new Set()).add(r.emotion));
    const sentences = emotionsPerSentence.size;
    const complete = [...emotionsPerSentence.values()].filter((s) => s.size === emotions).length;
    return {
      corpus,
      clips: own.length,
      speakers: count((r) => r.speaker),
      sentences,
      emotions,
      clipsPerSpeaker: own.length / count((r) => r.speaker),
      clipsPerSpeakerSentence: own.length / count((r) => `${r.speaker}\u0000${r.sentence}`),
      clipsPerSpeakerSentenceEmotion:
        own.length / count((r) => `${r.speaker}\u0000${r.sentence}\u0000${r.emotion}`),
      sentencesInAllEmotions: sentences === 0 ? 0 : complete / sentences,
    };
  });
}

/** Per row, the mean of the given columns (e.g. one "Δ-MFCC activity" number per clip from its 20 Δ stds). */
export function rowMeans(vectors: readonly ArrayLike<number>[], columns: readonly number[]): number[] {
  if (columns.length === 0) throw new Error('rowMeans: no columns');
  return vectors.map((v) => columns.reduce((s, j) => s + v[j], 0) / columns.length);
}
