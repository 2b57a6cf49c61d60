/**
 * `ser predict --model-dir DIR PATH...`: predict the emotion of audio files (folders and globs expanded) with a
 * model loaded once; text table, JSON, JSON lines or CSV with every class's score, and a summary.
 */
import * as fs from 'node:fs';
import { loadInferenceModel, NO_SPEECH, predictClips, type ClipResult } from '../infer';
import { UserError } from '../util/errors';
import { expandGlob, isGlob, listFiles } from '../util/files';
import { roundScores } from '../util/format';
import { progressBar, type Progress } from '../util/progress';
import { choiceOption, intOption, MODEL_DIR_OPTIONS, requireModelDir } from './args';
import type { Command } from './commands';

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

const AUDIO_FILE = /\.(wav|wave|flac|aiff?|aifc)$/i;
const FORMATS = ['text', 'json', 'jsonl', 'csv'] as const;

/** Files of the command line: folders walked for audio files, globs expanded, plain paths kept as given. */
export function expandInputs(inputs: string[]): string[] {
  return inputs.flatMap((p) => {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      const files = listFiles(p, AUDIO_FILE);
      if (files.length === 0) throw new UserError('no audio files (.wav, .flac, .aiff) in this folder', p);
      return files;
    }
    if (!fs.existsSync(p) && isGlob(p)) {
      const files = expandGlob(p);
      if (files.length === 0) throw new UserError(`no file matches the pattern`, p);
      return files;
    }
    return [p];
  });
}

function csvField(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Seconds to the millisecond, as `ser stream` prints times. */
const round3 = (x: number) => Math.round(x * 1e3) / 1e3;

/** A result as printed: scores to 4 decimals, seconds to the millisecond, segments' scores rounded too. */
function rounded(r: ClipResult): ClipResult {
  return {
    ...r,
    ...(r.scores ? { scores: roundScores(r.scores) } : {}),
    ...(r.seconds !== undefined ? { seconds: round3(r.seconds) } : {}),
    ...(r.segments
      ? { segments: r.segments.map((g) => ({ ...g, scores: g.scores ? roundScores(g.scores) : null })) }
      : {}),
  };
}

/** Counts and mean confidence per predicted label, as text lines. */
export function summaryLines(results: ClipResult[], labels: string[]): string[] {
  const ok = results.filter((r) => typeof r.label === 'string');
  const silent = results.filter((r) => r.label === null).length;
  const lines = [
    `${ok.length} of ${results.length} files predicted` + (silent > 0 ? `, ${silent} without speech` : ''),
  ];
  if (ok.length === 0) return lines;
  const width = Math.max(...labels.map((l) => l.length), 5);
  lines.push(`  ${'label'.padEnd(width)}  files   share  mean score`);
  for (const l of labels) {
    const mine = ok.filter((r) => r.label === l);
    if (mine.length === 0) continue;
    const mean = mine.reduce((s, r) => s + r.scores![l], 0) / mine.length;
    lines.push(
      `  ${l.padEnd(width)}  ${String(mine.length).padStart(5)}  ${((100 * mine.length) / ok.length).toFixed(1).padStart(5)} %  ${mean.toFixed(3).padStart(10)}`,
    );
  }
  return lines;
}

/** Progress through long recordings in seconds of audio, one bar per recording. */
function longProgress(): { tick: (file: string, seconds: number, total?: number) => void; done: () => void } {
  let current: { file: string; bar: Progress; seconds: number } | undefined;
  const done = () => {
    current?.bar.done();
    current = undefined;
  };
  return {
    tick(file, seconds, total) {
      if (current?.file !== file) {
        done();
        current = { file, bar: progressBar(`predict ${file} (s)`, Math.ceil(total ?? seconds)), seconds: 0 };
      }
      current.bar.tick(Math.floor(seconds) - current.seconds);
      current.seconds = Math.floor(seconds);
    },
    done,
  };
}

export const predict: Command = {
  spec: {
    name: 'predict',
    summary: 'ser predict — predict the emotion of audio files with a model directory.',
    usage: 'ser predict --model-dir DIR PATH... [--format text|json|jsonl|csv] [--batch N]',
    options: {
      ...MODEL_DIR_OPTIONS,
      format: {
        type: 'string',
        value: 'FORMAT',
        description:
          'text (a table, then a summary), json (one array), jsonl (one object per line) or csv (file, label, one column per class); machine formats print the summary on stderr',
        default: 'text',
      },
      json: { type: 'boolean', description: 'same as --format json' },
      batch: { type: 'string', value: 'N', description: 'clips per model call', default: '32' },
    },
    positionals: true,
    examples: [
      'ser predict --model-dir models/best data/tess/YAF_sad',
      "ser predict --model-dir models/seed000 'recordings/**/*.wav' --format csv > predictions.csv",
      'ser predict --model-dir models/best clip1.wav clip2.flac --format jsonl',
    ],
  },
  async run(args) {
    const modelDir = requireModelDir(args, 'predict');
    const format = args.values.json ? 'json' : (choiceOption(args, 'format', 'predict', FORMATS) ?? 'text');
    const batchSize = intOption(args, 'batch', 'predict') ?? 32;
    if (batchSize < 1) throw new UserError('predict: --batch must be at least 1');
    if (args.positionals.length === 0)
      throw new UserError('predict: give at least one audio file, folder or glob (see ser predict --help)');
    const files = expandInputs(args.positionals);
    const model = await loadInferenceModel(modelDir);
    let results: ClipResult[];
    try {
      // A bar on a terminal with several files, and one per long recording (SER_PROGRESS=0 silences both).
      const bar = files.length > 1 && process.stderr.isTTY ? progressBar('predict', files.length) : undefined;
      const long = longProgress();
      results = predictClips(
        model,
        files.map((f) => ({ name: f, path: f })),
        { batchSize, onClip: () => bar?.tick(), onLongProgress: long.tick },
      );
      long.done();
      bar?.done();
    } finally {
      model.dispose();
    }
    const failed = results.filter((r) => r.error !== undefined);
    if (failed.length === results.length) {
      if (failed.length === 1) throw new UserError(failed[0].error!);
      throw new UserError(
        `predict: none of the ${failed.length} files could be read (first: ${failed[0].error})`,
      );
    }
    for (const r of results) {
      if (r.error) err(`skipped ${r.error}`);
      for (const n of r.notes ?? []) err(`note: ${r.file}: ${n}`);
    }
    const labels = model.labels;
    if (format === 'json') out(JSON.stringify(results.map(rounded)));
    else if (format === 'jsonl') for (const r of results) out(JSON.stringify(rounded(r)));
    else if (format === 'csv') {
      out(['file', 'label', ...labels, 'seconds', 'error'].map(csvField).join(','));
      for (const r of results.map(rounded))
        out(
          [r.file, r.label ?? undefined, ...labels.map((l) => r.scores?.[l]), r.seconds, r.error]
            .map(csvField)
            .join(','),
        );
    } else {
      const ok = results.filter((r) => r.label !== undefined && r.error === undefined);
      const width = Math.min(60, Math.max(4, ...ok.map((r) => r.file.length)));
      out(`${'file'.padEnd(width)}  ${'label'.padEnd(9)}  score  runner-up`);
      for (const r of ok) {
        if (r.scores === null || r.scores === undefined) {
          out(`${r.file.padEnd(width)}  ${'-'.padEnd(9)}  ${NO_SPEECH}`);
          continue;
        }
        const [top, second] = Object.entries(r.scores).sort((a, b) => b[1] - a[1]);
        out(
          `${r.file.padEnd(width)}  ${r.label!.padEnd(9)}  ${top[1].toFixed(3)}  ${second ? `${second[0]} ${second[1].toFixed(3)}` : ''}`,
        );
      }
      out('');
    }
    const summary = summaryLines(results, labels);
    (format === 'text' ? out : err)(summary.join('\n'));
  },
};
