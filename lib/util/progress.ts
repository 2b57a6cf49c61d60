/**
 * A progress bar on stderr for long work. On a terminal it redraws one line; elsewhere (CI, notebooks,
 * pipes) it prints a line at most every 10 % so logs stay short. Silent when `SER_PROGRESS=0`.
 */
export interface Progress {
  tick(n?: number, note?: string): void;
  done(note?: string): void;
}

export function progressBar(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const enabled = process.env.SER_PROGRESS !== '0' && total > 0;
  const tty = stream.isTTY === true;
  const start = Date.now();
  let count = 0;
  let lastDecile = -1;
  const render = (note = ''): string => {
    const frac = Math.min(1, count / total);
    const width = 24;
    const filled = Math.round(frac * width);
    const secs = (Date.now() - start) / 1000;
    const eta = frac > 0 ? (secs / frac) * (1 - frac) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `${label} ${bar} ${count}/${total} ${(frac * 100).toFixed(0)}% ${secs.toFixed(1)}s elapsed, ~${eta.toFixed(0)}s left${note ? ' ' + note : ''}`;
  };
  return {
    tick(n = 1, note?: string) {
      count += n;
      if (!enabled) return;
      if (tty) stream.write('\r' + render(note) + '\x1b[K');
      else {
        const decile = Math.floor((count / total) * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(render(note) + '\n');
        }
      }
    },
    done(note?: string) {
      if (!enabled) return;
      // Off a terminal the last tick already printed the 100 % line; print it again only with a note.
      if (!tty && count >= total && lastDecile >= 10 && note === undefined) return;
      count = total;
      stream.write((tty ? '\r' : '') + render(note) + (tty ? '\x1b[K\n' : '\n'));
    },
  };
}
