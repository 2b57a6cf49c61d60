/**
 * Feature normalisers as objects with fit / transform / toJSON, so every path that normalises (training,
 * evaluation, prediction, streams, the browser demo) calls the same code and nothing downstream branches on a
 * stored kind string.
 *
 * - {@link GlobalNormaliser}: one z-score fitted on the training rows (scikit-learn's StandardScaler).
 * - {@link PerSpeakerNormaliser}: every speaker z-scored with the statistics of that speaker's rows in the batch
 *   being transformed (unlabelled; a protocol of its own). At training, the batch is one side of the split; at
 *   prediction, all clips given in one call.
 */
import { fitStandardizerOver, standardize, standardizeSequence, type StandardizerState } from './standardize';

/** A normaliser as stored in `ser.json`. */
export type StoredNormaliser =
  | { kind: 'global'; sequence: boolean; state: StandardizerState }
  | {
      kind: 'per-speaker';
      sequence: boolean;
      /**
       * A typical training speaker's statistics (mean of the training rows, average within-speaker standard
       * deviation): what a stream is normalised towards before it has enough speech of its own
       * (lib/infer/running-normaliser.ts). Absent in models saved before it was recorded.
       */
      prior?: StandardizerState;
    };

export interface Normaliser {
  /** Inputs are frames × dims sequences (statistics per feature over every frame). */
  readonly sequence: boolean;
  /** Whether {@link Normaliser.transform} needs the speaker of every vector. */
  readonly perSpeaker: boolean;
  /**
   * Normalised copies of `vectors`. Per-speaker normalisers fit each speaker's statistics on that speaker's
   * vectors in this call, so pass all of a speaker's clips together.
   */
  transform(vectors: readonly Float32Array[], speakers?: readonly string[]): Float32Array[];
  /** Z-score one vector with given statistics (a stream's own, for per-speaker models). */
  transformWith(state: StandardizerState, vector: Float32Array): Float32Array;
  /** A typical training speaker's statistics (per-speaker normalisers, when recorded). */
  readonly prior?: StandardizerState;
  toJSON(): StoredNormaliser;
}

/** Z-score `vector` (every frame of a sequence) with `state`. */
export function normaliseVector(
  state: StandardizerState,
  vector: Float32Array,
  sequence: boolean,
): Float32Array {
  return sequence ? standardizeSequence(state, vector) : standardize(state, vector);
}

/** Statistics per feature over every frame of `vectors` (`dims` features a frame). */
export function fitStatistics(vectors: readonly Float32Array[], dims: number): StandardizerState {
  return fitStandardizerOver(() => vectors, dims);
}

export class GlobalNormaliser implements Normaliser {
  readonly perSpeaker = false;
  constructor(
    readonly state: StandardizerState,
    readonly sequence: boolean,
  ) {}

  /** Fit on the training rows (`dims` features a frame; a stats row is one frame). */
  static fit(vectors: readonly Float32Array[], dims: number, sequence: boolean): GlobalNormaliser {
    return new GlobalNormaliser(fitStatistics(vectors, dims), sequence);
  }

  transform(vectors: readonly Float32Array[]): Float32Array[] {
    return vectors.map((v) => normaliseVector(this.state, v, this.sequence));
  }

  transformWith(state: StandardizerState, vector: Float32Array): Float32Array {
    return normaliseVector(state, vector, this.sequence);
  }

  toJSON(): StoredNormaliser {
    return { kind: 'global', sequence: this.sequence, state: this.state };
  }
}

export class PerSpeakerNormaliser implements Normaliser {
  readonly perSpeaker = true;
  constructor(
    readonly dims: number,
    readonly sequence: boolean,
    readonly prior?: StandardizerState,
  ) {}

  /** Each speaker's statistics over that speaker's vectors in `vectors` (no labels involved). */
  speakerStatistics(
    vectors: readonly Float32Array[],
    speakers: readonly string[],
  ): Map<string, StandardizerState> {
    const groups = new Map<string, Float32Array[]>();
    speakers.forEach((s, i) => {
      const g = groups.get(s);
      if (g) g.push(vectors[i]);
      else groups.set(s, [vectors[i]]);
    });
    return new Map([...groups].map(([s, g]) => [s, fitStatistics(g, this.dims)]));
  }

  transform(vectors: readonly Float32Array[], speakers?: readonly string[]): Float32Array[] {
    if (!speakers || speakers.length !== vectors.length)
      throw new Error('per-speaker normalisation needs the speaker of every vector');
    const stats = this.speakerStatistics(vectors, speakers);
    return vectors.map((v, i) => normaliseVector(stats.get(speakers[i])!, v, this.sequence));
  }

  transformWith(state: StandardizerState, vector: Float32Array): Float32Array {
    return normaliseVector(state, vector, this.sequence);
  }

  toJSON(): StoredNormaliser {
    return this.prior
      ? { kind: 'per-speaker', sequence: this.sequence, prior: this.prior }
      : { kind: 'per-speaker', sequence: this.sequence };
  }
}

/** The normaliser a `ser.json` stored; `dims` is the feature set's features per frame. */
export function normaliserFromJSON(json: StoredNormaliser, dims: number): Normaliser {
  return json.kind === 'global'
    ? new GlobalNormaliser(json.state, json.sequence)
    : new PerSpeakerNormaliser(dims, json.sequence, json.prior);
}
