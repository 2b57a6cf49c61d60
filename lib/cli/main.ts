/**
 * `ser` command-line entry: dispatches to a subcommand; user errors print one line and exit 1, bugs print
 * one line and a hint (SER_DEBUG=1 shows the stack) and exit 2.
 */
import { helpText, parseCommand } from './args';
import { evaluate, info, train, type Command } from './commands';
import { predict } from './predict-command';
import { stream } from './stream-command';
import { features } from './features-command';
import { augment } from './augment-command';
import { manifest } from './manifest-command';
import { report } from './report-command';
import { tune } from './tune-command';
import { split } from './split-command';
import { compare } from './compare-command';
import { exportModel } from './export-command';
import { serve } from './serve-command';
import { notebook } from './notebook-command';
import { isUserError, oneLine } from '../util/errors';

const COMMANDS: Record<string, Command> = {
  info,
  manifest,
  split,
  features,
  train,
  evaluate,
  compare,
  predict,
  stream,
  export: exportModel,
  serve,
  report,
  notebook,
  augment,
  tune,
};

function usage(): string {
  const lines = [
    'ser — speech emotion recognition in TypeScript',
    '',
    'Usage: ser <command> [options]',
    '',
    'Commands:',
  ];
  for (const [name, c] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(10)} ${c.spec.summary.replace(/^ser \w+ — /, '')}`);
  lines.push('', 'Run `ser <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    process.stdout.write('ser 0.1.0\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`ser: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 1;
  }
  try {
    const args = parseCommand(command.spec, rest);
    if (args === 'help') {
      process.stdout.write(helpText(command.spec) + '\n');
      return 0;
    }
    await command.run(args);
    return 0;
  } catch (err) {
    if (isUserError(err)) {
      process.stderr.write(`ser: ${oneLine(err)}\n`);
      return 1;
    }
    if (process.env.SER_DEBUG === '1') process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    else process.stderr.write(`ser: internal error: ${oneLine(err)} (set SER_DEBUG=1 for the stack trace)\n`);
    return 2;
  }
}

/**
 * Exit once stdout and stderr have drained: writes to a pipe are asynchronous, and `process.exit` right after
 * a large `--json` write would cut it off (worker pools may keep the process alive, so an exit is needed).
 */
export function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(exitAfterFlush, (err) => {
    process.stderr.write(`ser: ${oneLine(err)}\n`);
    exitAfterFlush(2);
  });
}
