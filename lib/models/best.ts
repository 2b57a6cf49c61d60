/**
 * `best-cnn`: Conv1D blocks with BatchNorm over a z-scored log-mel spectrogram (mel bands as channels), global
 * average pooling (or additive attention), Dense, softmax; trained with SpecAugment masks and balanced class
 * weights. The 2-D CNN route is `best-cnn2d` (lib/models/cnn2d.ts; study below).
 *
 * The zoo's `best` is not this network but an RBF SVM (C 10) on per-clip statistics (lib/models/zoo.ts): it
 * won every speaker-independent protocol we measured. Its features are `stats-prosody` (the `stats-plus`
 * spectral statistics and 14 prosody values: F0 statistics over voiced frames, voicing, loudest frame,
 * length; lib/features/prosody.ts) with the prosody columns weighted ×2 in the kernel, and its training side is
 * speaker-augmented (lib/augment/speaker.ts: every training speaker copied at speed 0.9 and 1.1, each copy a
 * pseudo-speaker normalised on its own). Measurements (bench/accuracy, seed 42, per-speaker normalisation
 * unless stated; TESS = mean of OAF→YAF and YAF→OAF accuracy; RAVDESS = mean UAR of 5 actor folds; CNNs 12
 * epochs on a machine shared with other jobs):
 *
 * | variant                                                     | TESS speaker | RAVDESS UAR | RAVDESS→TESS UAR |
 * | ----------------------------------------------------------- | ------------ | ----------- | ---------------- |
 * | `best` = SVM on stats-prosody (×2) + speed 0.9/1.1 voices   | 0.607        | 0.662       | 0.531            |
 * | same, no speaker augmentation (issue 8 ablation)            | 0.598        | 0.645       | 0.556            |
 * | same, speed 0.9 voice only / 1.1 only                       | 0.589 / 0.619| 0.646 / 0.644 |                |
 * | SVM on stats-prosody, prosody weight ×1 / ×3 / ×5           | 0.605 / 0.593 / 0.583 | 0.601 / 0.642 / 0.628 | |
 * | prosody alone (14 values)                                   | 0.478        | 0.466       |                  |
 * | SVM (C 10) on stats-plus (`best` before)                    | 0.598        | 0.584       | 0.484            |
 * | same, global normalisation                                  | 0.416        | 0.450       | 0.164            |
 * | stats-plus + transductive adaptation to the test speaker:   |              |             |                  |
 * |   k-means on its clips (init: predicted class means), clusters labelled by Hungarian on mean SVM scores | 0.671 | 0.510 | |
 * |   same, class-balanced assignment of SVM scores             | 0.580        | 0.578       |                  |
 * |   self-training, 5 rounds of confident balanced pseudo-labels | 0.599      | 0.577       |                  |
 * |   scores smoothed over 10 nearest test-speaker neighbours   | 0.605        | 0.603       |                  |
 * | stats-plus without logmel / without chroma                  | 0.630 / 0.591 | 0.541 / 0.583 |                |
 * | MLP 256-128 on stats-plus (`best-mlp`)                      | 0.571        | 0.579       | 0.427            |
 * | SVM on seed004 statistics (raw mel power, no MFCC delta)    | 0.483        | 0.543       | 0.450            |
 * | CNN + attention + SpecAugment, log-mel 2 s                  | 0.485        | 0.304       | 0.253            |
 * | same, global normalisation                                  | 0.467        |             |                  |
 * | same, no SpecAugment                                        | 0.462        |             |                  |
 * | same, average pooling instead of attention (now default)    | 0.574        |             |                  |
 * | same (attention), ZCR+RMS+MFCC 40, 128 frames centre crop   | 0.468        | 0.436       |                  |
 *
 * Readings: per-speaker normalisation is the largest gain everywhere; prosody is the next (RAVDESS +0.06),
 * speed-perturbed voices add ~0.01–0.02 within a corpus but cost 0.025 across corpora (RAVDESS→TESS), where
 * they stay above the 0.45 target. The first two rows are bench/accuracy runs of this code (2026-11-22:
 * `--protocols tess-speaker,ravdess-speaker,ravdess-to-tess --models best --normalisation per-speaker
 * [--augment none]`); scikit-learn's SVC on the same rows agreed on every fold. TESS speaker-independent stays near 0.6 because it is a one-speaker
 * to one-speaker transfer: within the test speaker the emotions form near-pure clusters (k-means on her
 * normalised clips: 99 % purity), but whole clusters map to the wrong emotion (OAF→YAF: YAF's happy is
 * classed angry, 164 of 200), and no adaptation that uses only unlabelled test clips fixed the mapping
 * without hurting RAVDESS, so none is part of `best`. The prosody weight and the voices were chosen on these
 * same folds (no separate validation speakers), so the gains are optimistic by the selection. The 2-s log-mel
 * crop loses most of a RAVDESS utterance (speech starts about 1 s in), which is why the CNN trails there; with
 * TESS's single training speaker every model overfits that voice (within-speaker validation reaches 100 % in
 * 2–3 epochs). SVM C in {1, 3, 10, 30} moved TESS by < 0.01 and RAVDESS UAR within 0.577–0.585 (C stays 10).
 * Transductive and feature ablations above were measured with scikit-learn's SVC on our exported features
 * (same C, gamma and folds; its stats-plus rows reproduce ours: 0.598 and 0.584).
 *
 * A second TESS study (2026-11-22) tried speaker alignment, speaker-neutral features and wider voices on top
 * of `best`; none generalised, so `best` is unchanged. scikit-learn's SVC on our exported rows (its `best` row
 * reproduces bench/accuracy to the fourth digit on all three protocols: 0.6071, 0.6625, 0.5311); the
 * frame-level rows pooled our per-frame features again in Python (mean/std pooling reproduces stats-plus
 * exactly) and ran without speaker augmentation, so they compare with the no-augmentation row:
 *
 * | variant                                                      | TESS speaker | RAVDESS UAR | RAVDESS→TESS UAR |
 * | ------------------------------------------------------------ | ------------ | ----------- | ---------------- |
 * | `best`                                                       | 0.607        | 0.663       | 0.531            |
 * | per-speaker Gaussian rank (quantile) instead of z-score      | 0.607        | 0.647       | 0.539            |
 * | per-speaker median / IQR                                     | 0.574        | 0.601       | 0.555            |
 * | per-speaker whitening (Ledoit–Wolf covariance)               | 0.444        | 0.555       | 0.143            |
 * | CORAL: test speaker recoloured to the training covariance (LW), full / half-way | 0.441 / 0.539 |  |   |
 * | normalised by the speaker's neutral clips (oracle labels: an upper bound) | 0.548 |        |                  |
 * | k-means + Hungarian per test speaker on `best`'s scores      | 0.575        | 0.579       | 0.504            |
 * | + a pitch-shifted −3 semitone voice                          | 0.605        | 0.653       | 0.528            |
 * | + pitch-shifted −3 and +3 semitone voices                    | 0.609        |             |                  |
 * | speed 0.8 / 1.2 voices instead of 0.9 / 1.1; all four        | 0.581 / 0.586 | 0.643 / 0.658 | 0.551 / 0.539 |
 * | RBF gamma ×0.3 / ×0.1 of 'scale'                             | 0.615 / 0.606 | 0.656 / 0.666 | 0.515 / 0.500 |
 * | logistic regression (C 0.01)                                 | 0.569        | 0.660       | 0.515            |
 * | without speaker augmentation (reference of the rows below)   | 0.598        | 0.645       | 0.556            |
 * | per-speaker histogram equalisation of frames before pooling  | 0.566        | 0.657       | 0.556            |
 * | statistics over active frames only (RMS ≥ 0.1 × peak)        | 0.585        | 0.648       | 0.487            |
 * | + frame means over thirds of the active span                 | 0.584        | 0.653       | 0.471            |
 * | + log F0 and log energy per third (×2)                       | 0.601        | 0.644       | 0.561            |
 * | + YIN aperiodicity over voiced frames (HNR proxy; ×2)        | 0.618        | 0.634       | 0.563            |
 *
 * Per-speaker mean/variance normalisation of the frames before pooling (CMVN) is not a row: it moves every
 * pooled mean and standard deviation by a per-speaker affine map that the per-speaker z-score of the pooled
 * statistics removes again, so it gives the same rows; likewise F0 in semitones above the speaker's median is
 * already what z-scored log-F0 is. Leaving out one feature block (MFCC, delta, chroma, log-mel, scalars) moved
 * TESS within 0.568–0.625 and RAVDESS within 0.627–0.646.
 *
 * Why TESS stays near 0.6: the YAF → OAF direction is bounded by OAF herself. Models trained on YAF, on the 16
 * RAVDESS actors, or on YAF and the RAVDESS actors together all rotate OAF's high-arousal emotions the same
 * way (angry → happy, happy → surprise, surprise → angry: 124, 133 and 108 of 200 clips from YAF; RAVDESS → OAF
 * 0.38 accuracy against RAVDESS → YAF 0.73), and a prosody-only model rotates them too. More training voices
 * help the other direction: bench/accuracy's `tess-speaker-ravdess` protocol (one TESS speaker and the 16
 * RAVDESS actors → the other) gives OAF → YAF 0.754 (`best` on OAF alone: 0.642) but YAF → OAF 0.484 (0.572),
 * mean 0.619. The 85 % target needs OAF's mapping, which no model trained on other voices has shown; a 2-D CNN
 * (the published 77 % OAF → YAF route) was not tried: the engine has fast 1-D convolutions only and no
 * accelerator was lent to this task. Every figure here used the two TESS folds as their own validation.
 *
 * The 2-D CNN study (2026-11-22, issue 7): the engine gained 2-D convolutions (lib/engine), so the published
 * route could be tried: `best-cnn2d` (lib/models/cnn2d.ts), a 2-D CNN on 64-band log-mel images (87 frames ×
 * 64 bands; Conv2D 3×3 16-32-64-64, BatchNorm, ReLU, MaxPool 2×2, dropout 0.1; global average pooling; Dense 64;
 * balanced class weights), SpecAugment (2 time masks ≤ 10 frames, 2 band masks ≤ 8) and Gaussian input noise
 * (σ 0.1 of the z-scored input), per-speaker normalisation, early stopping on a 10 % within-speaker validation
 * split. bench/accuracy `--protocols tess-speaker --models best-cnn2d --normalisation per-speaker [...]`, seed 42,
 * load average 4–10 on the 2 shared cores:
 *
 * | variant                                          | OAF → YAF | YAF → OAF | TESS speaker | s per fold |
 * | ------------------------------------------------ | --------- | --------- | ------------ | ---------- |
 * | `best` (SVM, for reference)                      | 0.642     | 0.572     | 0.607        |            |
 * | `best-cnn2d`                                     | 0.741     | 0.585     | 0.663        | 980 / 924  |
 * | same, no SpecAugment and no input noise          | 0.676     | 0.576     | 0.626        | 1105 / 831 |
 * | same, BatchNorm momentum 0.99 (Keras default)    | (stopped) | 0.526     |              | 1544       |
 *
 * Readings: the 2-D CNN is the best TESS speaker-independent model so far (0.663, 95 % interval 0.645–0.681,
 * against `best`'s 0.607), from the OAF → YAF direction (0.741, near the published 77.2 %); YAF → OAF stays at
 * `best`'s level (OAF's high-arousal rotation above). SpecAugment and noise add 0.065 OAF → YAF and 0.009 the
 * other way. Far from the 85 % target, and a class at 0 % recall in at least one direction (bench/accuracy's
 * minClassRecall 0). Both folds ran 27–30 of the 30 epochs (early stopping rarely fired), 924–1105 s per fold
 * under load 2–10 with another run beside it. Not measured for lack of time: RAVDESS actor folds and
 * RAVDESS → TESS (the targets `best` must keep: ≥ 0.65 UAR and ≥ 0.45), attention pooling, global
 * normalisation; so `best` is unchanged until they are.
 */
import * as tf from '@tensorflow/tfjs';
import { AdditiveAttention } from './layers/attention';
import { classifierHead, convBlock } from './seed002';

export interface BestConfig {
  /** Filters of each conv block. Default [64, 128, 128]. */
  convFilters: number[];
  /** Default 5. */
  kernelSize: number;
  /** Default 2. */
  poolSize: number;
  /** Default 0.2. */
  convDropout: number;
  /** Attention pooling instead of global average pooling. Default true. */
  attention: boolean;
  /** Default 64. */
  attentionUnits: number;
  /** Default 128. */
  denseUnits: number;
  /** Default 0.4. */
  denseDropout: number;
  /** Default 1e-3. */
  learningRate: number;
}

export const BEST_DEFAULTS: Readonly<BestConfig> = Object.freeze({
  convFilters: [64, 128, 128],
  kernelSize: 5,
  poolSize: 2,
  convDropout: 0.2,
  attention: false,
  attentionUnits: 64,
  denseUnits: 128,
  denseDropout: 0.4,
  learningRate: 1e-3,
});

/** Build and compile `best` for inputs [time, mel bands]. */
export function buildBest(config: Partial<BestConfig> = {}, inputShape: [number, number] = [87, 128], nClasses = 7): tf.LayersModel {
  const c: BestConfig = { ...BEST_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x: tf.SymbolicTensor = input;
  for (const filters of c.convFilters) x = convBlock(x, filters, c.kernelSize, c.poolSize, c.convDropout);
  x = (c.attention ? new AdditiveAttention({ units: c.attentionUnits }) : tf.layers.globalAveragePooling1d()).apply(
    x,
  ) as tf.SymbolicTensor;
  return classifierHead(input, x, { ...c, nClasses, name: 'best' });
}
