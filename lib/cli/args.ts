/**
 * Small, typed command-line parsing on node's util.parseArgs: unknown options and missing values become
 * one-line {@link UserError}s, and every command gets `--help`.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../util/errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in help, e.g. "DIR". */
  value?: string;
  description: string;
  default?: string | boolean;
  short?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Whether positional arguments are accepted (e.g. files for predict). */
  positionals?: boolean;
  examples?: string[];
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `Usage: ${spec.usage}`, '', 'Options:'];
  const all: Record<string, OptionSpec> = {
    ...spec.options,
    help: { type: 'boolean', description: 'show this help', short: 'h' },
  };
  for (const [name, o] of Object.entries(all)) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ' ' + o.value : ''}`;
    const def = o.default !== undefined ? ` (default: ${String(o.default)})` : '';
    lines.push(`  ${flag.padEnd(28)} ${o.description}${def}`);
  }
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options))
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: spec.positionals === true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '');
    throw new UserError(`${spec.name}: ${msg} (see ser ${spec.name} --help)`);
  }
  if (parsed.values.help) return 'help';
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(spec.options))
    values[name] = (parsed.values as Record<string, string | boolean | undefined>)[name] ?? o.default;
  return { values, positionals: parsed.positionals };
}

/** A string option that must be present. */
export function requireString(args: ParsedArgs, name: string, command: string): string {
  const v = args.values[name];
  if (typeof v !== 'string' || v === '')
    throw new UserError(`${command}: --${name} is required (see ser ${command} --help)`);
  return v;
}

/** An optional non-negative integer option. */
export function intOption(args: ParsedArgs, name: string, command: string): number | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new UserError(`${command}: --${name} must be a non-negative integer, got "${String(v)}"`);
  }
  return n;
}

/** An optional finite number option within [min, max]. */
export function numberOption(
  args: ParsedArgs,
  name: string,
  command: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    const range = `${Number.isFinite(min) ? `>= ${min}` : ''}${Number.isFinite(min) && Number.isFinite(max) ? ' and ' : ''}${Number.isFinite(max) ? `<= ${max}` : ''}`;
    throw new UserError(
      `${command}: --${name} must be a number${range ? ' ' + range : ''}, got "${String(v)}"`,
    );
  }
  return n;
}

/** An optional string option restricted to `choices`. */
export function choiceOption<T extends string>(
  args: ParsedArgs,
  name: string,
  command: string,
  choices: readonly T[],
): T | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
    throw new UserError(`${command}: --${name} must be one of ${choices.join(', ')}, got "${String(v)}"`);
  return v as T;
}

/**
 * The options naming a trained model directory: `--model-dir DIR`, and `--model DIR`, its older spelling
 * (`--model` names a registry model in `ser train` and `ser tune`).
 */
export const MODEL_DIR_OPTIONS = {
  'model-dir': { type: 'string', value: 'DIR', description: 'model directory written by ser train' },
  model: { type: 'string', value: 'DIR', description: 'deprecated spelling of --model-dir' },
} as const satisfies Record<string, OptionSpec>;

/** The model directory of `--model-dir` (or of `--model`, with a one-line deprecation notice on stderr). */
export function requireModelDir(args: ParsedArgs, command: string): string {
  const dir = args.values['model-dir'];
  if (typeof dir === 'string' && dir !== '') return dir;
  const old = args.values.model;
  if (typeof old === 'string' && old !== '') {
    process.stderr.write(`ser ${command}: --model DIR is deprecated: use --model-dir DIR\n`);
    return old;
  }
  throw new UserError(`${command}: --model-dir DIR is required (a model directory written by ser train)`);
}

/**
 * An optional `--fold N`, counted from 1 as fold names show them (`--fold 1` is `fold 1/2`), as a 0-based index
 * (`--fold 0` gives -1, which the split's fold check reports with the valid folds).
 */
export function foldOption(args: ParsedArgs, command: string): number | undefined {
  const n = intOption(args, 'fold', command);
  return n === undefined ? undefined : n - 1;
}

/** The help text of `--fold`. */
export const FOLD_HELP = 'fold, counted from 1 as printed (--fold 1 is "fold 1/2")';
