import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudio } from '../../lib/audio';
import { audioClipHtml, audioClipSamples } from '../../lib/notebook';

const SR = 22050;

/** `before` s of silence, `tone` s of a 440 Hz sine at `amplitude`, `after` s of silence. */
function paddedTone(before: number, tone: number, after: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round((before + tone + after) * SR));
  const start = Math.round(before * SR);
  for (let i = 0; i < Math.round(tone * SR); i++)
    out[start + i] = amplitude * Math.sin((2 * Math.PI * 440 * i) / SR);
  return out;
}

function embeddedWav(html: string) {
  const match = /<audio controls[^>]* src="data:audio\/wav;base64,([A-Za-z0-9+/=]+)"><\/audio>/.exec(html);
  assert.ok(match, 'an <audio controls> element with a WAV data URL');
  return decodeAudio(Buffer.from(match[1], 'base64'), 'embedded');
}

test('audioClipHtml embeds a 16 kHz 16-bit mono WAV, silence trimmed, level kept', () => {
  const html = audioClipHtml(paddedTone(1, 0.5, 1, 0.3), SR, { caption: 'sad <OAF> "back"' });
  const wav = embeddedWav(html);
  assert.equal(wav.sampleRate, 16000);
  assert.equal(wav.encoding, 'pcm16');
  assert.equal(wav.channels.length, 1);
  const seconds = wav.channels[0].length / 16000;
  // librosa-style trimming keeps whole 512-sample frames around the tone: 0.5 s plus at most ~0.1 s.
  assert.ok(seconds >= 0.5 && seconds < 0.65, `${seconds} s kept of 2.5 s`);
  const peak = Math.max(...wav.channels[0].map(Math.abs));
  assert.ok(Math.abs(peak - 0.3) < 0.01, `peak ${peak}: not normalised`);
  assert.match(html, /sad &#60;OAF&#62; &#34;back&#34; · 0\.\d\d s/);
});

test('audioClipSamples: cut to maxSeconds, no trim on request, clipped to ±1', () => {
  const long = paddedTone(0, 6, 0, 0.5);
  assert.equal(audioClipSamples(long, SR).samples.length, 4 * 16000);
  assert.equal(audioClipSamples(long, SR, { maxSeconds: 1.5, sampleRate: 8000 }).samples.length, 12000);
  const untrimmed = audioClipSamples(paddedTone(1, 0.5, 1, 0.3), SR, { trimTopDb: null, sampleRate: SR });
  assert.equal(untrimmed.samples.length, Math.round(2.5 * SR));
  const loud = audioClipSamples(Float32Array.from([0, 1.7, -2, 0.5]), 4, { sampleRate: 4, trimTopDb: null });
  assert.deepEqual(Array.from(loud.samples), [0, 1, -1, 0.5]);
  assert.throws(() => audioClipSamples(long, SR, { maxSeconds: 0 }), /maxSeconds/);
});
