/**
 * The unified emotion taxonomy. Every corpus loader maps its own labels onto these names with an explicit,
 * documented table, so models trained on one corpus can be evaluated on another.
 */
export const EMOTIONS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/**
 * TESS folder/file labels → unified names. TESS's "pleasant surprise" (`ps` in file names) is mapped to
 * `surprise`; TESS has no `calm`.
 */
export const TESS_EMOTIONS: Readonly<Record<string, Emotion>> = {
  angry: 'angry',
  disgust: 'disgust',
  fear: 'fear',
  happy: 'happy',
  neutral: 'neutral',
  ps: 'surprise',
  pleasant_surprise: 'surprise',
  sad: 'sad',
};

export function isEmotion(s: string): s is Emotion {
  return (EMOTIONS as readonly string[]).includes(s);
}
