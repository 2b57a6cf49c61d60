/**
 * SlidingWindowFeatures on real recordings (TESS and RAVDESS clips joined with pauses, as a stream sees
 * them): every window's and segment's vector is bit for bit extractSet's of the same samples (tolerance 0), for
 * every set of the feature-set registry, while most frames come from the cache. Bitwise, not within a tolerance: every frame is the
 * same arithmetic on the same samples whether it is computed for one window or cached from another, and
 * the window-level steps (top_db, tuning, deltas, statistics) run the clip-level code on the joined frames.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAudioSync } from '../../lib/audio/load';
import { loadRavdess } from '../../lib/data/ravdess';
import { seededSample } from '../../lib/data/subset';
import { loadTessLayout } from '../../lib/data/tess';
import { extractSet, FEATURE_SETS, type LibrosaSetConfig } from '../../lib/features/sets';
import { SlidingWindowFeatures } from '../../lib/features/sliding';
import { concatenateClips } from '../../lib/infer/stream-eval';
import { realDataRoot } from '../helpers/data';

const RATE = 22050;

function recording(corpus: 'tess' | 'ravdess', n: number): Float32Array {
  const root = realDataRoot(corpus);
  const records = corpus === 'tess' ? loadTessLayout(root).records : loadRavdess(root).records;
  const clips = seededSample(records, n, 11).map((r) => ({
    audio: loadAudioSync(r.path, { sampleRate: RATE }),
    label: r.emotion,
  }));
  return concatenateClips(clips, { minGap: 0.3, maxGap: 0.9, seed: 3 }).audio.samples;
}

/** Indices where two vectors differ (by bits: NaN equals NaN, −0 differs from 0). */
function differences(a: Float32Array, b: Float32Array): number[] {
  assert.equal(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** 3 s windows every second (starts on the frame grid), then stretches of other lengths and starts. */
function checkSet(set: LibrosaSetConfig, y: Float32Array, name: string): void {
  const sliding = new SlidingWindowFeatures(set);
  const hop = set.hopLength;
  let windows = 0;
  for (let k = 0; ; k++) {
    const from = Math.round((k * RATE) / hop) * hop;
    const to = from + 3 * RATE;
    if (to > y.length) break;
    const window = y.subarray(from, to);
    const got = sliding.features(window, from);
    const want = extractSet({ samples: window, sampleRate: RATE }, set);
    assert.deepEqual(differences(got, want), [], `${name}, ${set.name}: window at ${from}`);
    windows++;
  }
  assert.ok(windows >= 8, `${windows} windows`);
  // Most frames of overlapping windows came from the cache.
  assert.ok(
    sliding.counts.cached > sliding.counts.computed,
    `${set.name}: ${JSON.stringify(sliding.counts)}`,
  );
  // Segments: any length, starting on the grid (shared) or off it (extracted whole), before or after the
  // cached frames.
  for (const [from, length] of [
    [hop * 40, RATE * 1.7 + 3],
    [hop * 7, RATE * 0.6],
    [hop * 100 + 5, RATE * 2],
    [Math.floor(y.length / hop / 2) * hop, RATE * 4.25],
    [hop * 3, RATE * 0.25],
  ]) {
    const stretch = y.subarray(from, from + Math.round(length));
    const got = sliding.features(stretch, from);
    const want = extractSet({ samples: stretch, sampleRate: RATE }, set);
    assert.deepEqual(
      differences(got, want),
      [],
      `${name}, ${set.name}: stretch at ${from}, ${length} samples`,
    );
  }
}

/** The registered sets the window cache serves (a fixed frame count cuts the signal first, so those are extracted whole). */
const cachedSets = Object.values(FEATURE_SETS).filter((s) => s.frames === null);
const wholeSets = Object.values(FEATURE_SETS).filter((s) => s.frames !== null);

for (const corpus of ['tess', 'ravdess'] as const)
  test(`SlidingWindowFeatures on a ${corpus.toUpperCase()} recording: each window and segment of every registered variable-length set bit for bit extractSet's`, () => {
    const y = recording(corpus, corpus === 'tess' ? 6 : 4);
    assert.ok(cachedSets.length >= 6, cachedSets.map((s) => s.name).join(', '));
    for (const set of cachedSets) checkSet(set, y, corpus);
  });

test('SlidingWindowFeatures: every registered set with a fixed frame count is extracted whole (its signal is cut first), bit for bit', () => {
  const y = recording('tess', 2);
  assert.ok(wholeSets.length >= 2, wholeSets.map((s) => s.name).join(', '));
  for (const set of wholeSets) {
    const sliding = new SlidingWindowFeatures(set);
    for (const from of [0, set.hopLength * 43]) {
      const window = y.subarray(from, from + 3 * RATE);
      assert.deepEqual(
        differences(sliding.features(window, from), extractSet({ samples: window, sampleRate: RATE }, set)),
        [],
        `${set.name}: window at ${from}`,
      );
    }
    assert.deepEqual(sliding.counts, { computed: 0, cached: 0 });
  }
});
