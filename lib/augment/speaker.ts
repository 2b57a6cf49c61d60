/**
 * Speaker augmentation: each recipe turns every training speaker into one new voice. All clips of a speaker
 * go through the recipe with the same seed (the same drawn parameters), so one speaker's copies form a
 * consistent voice that per-speaker normalisation can treat as a speaker of its own. lib/train applies it
 * to the training side of a fold (`speakerAugmentedRows`).
 */
// Type-only: the zoo (bundled for the browser) imports the default from here, and compose needs node:crypto.
import type { Recipe } from './compose';

/** Training-side speaker augmentation: one copy of every training clip per recipe. Plain JSON. */
export interface SpeakerAugmentation {
  recipes: Recipe[];
  /** Base seed of the recipes' draws (per speaker and recipe). */
  seed: number;
}

/**
 * The default: speed perturbation by 0.9 and by 1.1 (Ko et al. 2015), one voice each: pitch, formants and
 * tempo move together, as they differ between speakers. Chosen by the ablation in lib/models/best.ts.
 */
export const DEFAULT_SPEAKER_AUGMENTATION: Readonly<SpeakerAugmentation> = Object.freeze({
  recipes: [0.9, 1.1].map(
    (factor): Recipe => ({ version: 1, transforms: [{ name: 'speed', p: 1, factors: [factor] }] }),
  ),
  seed: 0,
});

/** Pseudo-speaker name of recipe `k`'s copies of `speaker`. */
export const augmentedSpeaker = (speaker: string, k: number): string => `${speaker}#aug${k}`;
