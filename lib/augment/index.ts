/**
 * lib/augment: seeded waveform augmentations (noise at an SNR, pitch shift, time stretch, speed, shift, gain,
 * polarity, synthetic room), SpecAugment and mixup, JSON recipes run as Compose/OneOf pipelines, and
 * leak-free expansion of a split's training side (offline to files and the feature cache, or on the fly), and
 * measurements that check what an augmentation did.
 */
export * from './basic';
export * from './noise';
export * from './stretch';
export * from './room';
export * from './spec';
export * from './compose';
export * from './training';
export * from './offline';
export * from './speaker';
export * from './measure';
