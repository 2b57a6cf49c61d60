/**
 * `ser stream --model-dir DIR [FILE|-]`: emotion over time in a long recording or a live pipe of raw PCM, one
 * JSON line per window and per speech segment (see lib/infer/stream.ts), optionally an HTML timeline.
 */
import * as path from 'node:path';
import {
  loadInferenceModel,
  streamRawPcm,
  streamRecording,
  type StreamEvent,
  type StreamOptions,
} from '../infer';
import { renderStreamHtml } from '../viz/stream-page';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { roundScores } from '../util/format';
import { choiceOption, intOption, MODEL_DIR_OPTIONS, numberOption, requireModelDir } from './args';
import type { Command } from './commands';

const err = (s: string) => process.stderr.write(s + '\n');

const EVENTS = ['all', 'windows', 'segments'] as const;

/** One event as its JSON line (scores to 4 decimals, summing to 1). */
export function eventLine(e: StreamEvent): string {
  const scores = e.scores && roundScores(e.scores);
  return JSON.stringify({ ...e, scores });
}

export const stream: Command = {
  spec: {
    name: 'stream',
    summary:
      'ser stream — emotion over time in a long recording or live raw PCM on stdin: one JSON line per window and per speech segment.',
    usage:
      'ser stream --model-dir MODEL_DIR (FILE | - --rate HZ [--channels N] [--encoding s16le|f32le]) [--window S] [--hop S] [--smoothing A] [--events all|windows|segments] [--plot FILE]',
    options: {
      ...MODEL_DIR_OPTIONS,
      rate: { type: 'string', value: 'HZ', description: 'stdin (-): sample rate of the raw PCM' },
      channels: {
        type: 'string',
        value: 'N',
        description: 'stdin: interleaved channels, averaged to mono',
        default: '1',
      },
      encoding: {
        type: 'string',
        value: 'ENC',
        description: 'stdin: s16le (16-bit signed) or f32le (32-bit float), little-endian',
        default: 's16le',
      },
      window: { type: 'string', value: 'S', description: 'window length, seconds', default: '3' },
      hop: {
        type: 'string',
        value: 'S',
        description: 'seconds between windows (one line each)',
        default: '1',
      },
      smoothing: {
        type: 'string',
        value: 'A',
        description: 'weight of the newest window in the moving average of scores (1: none)',
        default: '0.5',
      },
      'min-speech': {
        type: 'string',
        value: 'S',
        description: 'a window with less speech than this (seconds) is silent: label null',
        default: '0.25',
      },
      events: {
        type: 'string',
        value: 'KIND',
        description: 'which lines to print: all, windows or segments',
        default: 'all',
      },
      plot: {
        type: 'string',
        value: 'FILE',
        description: 'also write a self-contained HTML emotion timeline',
      },
    },
    positionals: true,
    examples: [
      'ser stream --model-dir models/best interview.wav --plot timeline.html',
      'arecord -f S16_LE -r 16000 -c 1 | ser stream --model-dir models/best - --rate 16000',
      'sox talk.mp3 -t raw -e floating-point -b 32 -r 22050 -c 1 - | ser stream --model-dir models/seed000 - --rate 22050 --encoding f32le',
    ],
  },
  async run(args) {
    const modelDir = requireModelDir(args, 'stream');
    if (args.positionals.length !== 1)
      throw new UserError('stream: give one recording, or - for raw PCM on stdin (see ser stream --help)');
    const source = args.positionals[0];
    const options: StreamOptions = {
      windowSeconds: numberOption(args, 'window', 'stream', 0.1, 60),
      hopSeconds: numberOption(args, 'hop', 'stream', 0.05, 60),
      smoothing: numberOption(args, 'smoothing', 'stream', 0.01, 1),
      minSpeechSeconds: numberOption(args, 'min-speech', 'stream', 0, 60),
    };
    if (options.hopSeconds! > options.windowSeconds!)
      throw new UserError(
        `stream: --hop (${options.hopSeconds} s) must not exceed --window (${options.windowSeconds} s)`,
      );
    const which = choiceOption(args, 'events', 'stream', EVENTS) ?? 'all';
    const encoding = choiceOption(args, 'encoding', 'stream', ['s16le', 'f32le'] as const) ?? 's16le';
    const channels = intOption(args, 'channels', 'stream') ?? 1;
    const rate = intOption(args, 'rate', 'stream');
    if (source === '-') {
      if (rate === undefined)
        throw new UserError(
          'stream: raw PCM on stdin needs --rate HZ (and --channels, --encoding if not 1, s16le)',
        );
      if (rate < 1000 || rate > 768000)
        throw new UserError(`stream: --rate ${rate} Hz is not a plausible rate`);
      if (channels < 1 || channels > 64)
        throw new UserError(`stream: --channels must be 1–64, got ${channels}`);
    }
    const model = await loadInferenceModel(modelDir);
    const plotted: StreamEvent[] = [];
    const sink = (events: StreamEvent[]) => {
      for (const e of events) {
        if (args.values.plot !== undefined) plotted.push(e);
        if (which === 'all' || (which === 'windows') === (e.type === 'window'))
          process.stdout.write(eventLine(e) + '\n');
      }
    };
    const started = process.hrtime.bigint();
    let info: { seconds: number; notes: string[] };
    try {
      info =
        source === '-'
          ? await streamRawPcm(model, process.stdin, { rate: rate!, channels, encoding }, sink, options)
          : streamRecording(model, source, sink, options);
    } finally {
      model.dispose();
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    for (const n of info.notes) err(`note: ${n}`);
    err(
      `streamed ${info.seconds.toFixed(1)} s of audio in ${wall.toFixed(1)} s (real-time factor ${(wall / Math.max(info.seconds, 1e-9)).toFixed(3)})`,
    );
    const plot = args.values.plot as string | undefined;
    if (plot !== undefined) {
      const o = {
        window: options.windowSeconds ?? 3,
        hop: options.hopSeconds ?? 1,
        smoothing: options.smoothing ?? 0.5,
      };
      writeFileAtomic(
        path.resolve(plot),
        renderStreamHtml({
          title: `Emotion timeline of ${source === '-' ? 'stdin' : path.basename(source)}`,
          description: `model ${model.name} (${model.normalisation} normalisation), ${o.window} s windows every ${o.hop} s, smoothing ${o.smoothing}, times in seconds`,
          labels: model.labels,
          events: plotted,
          notes: info.notes,
        }),
      );
      err(`timeline written to ${path.resolve(plot)}`);
    }
  },
};
