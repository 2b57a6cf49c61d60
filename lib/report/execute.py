"""Executes one notebook headless with nbclient and exports it to self-contained HTML.

Called by lib/report (runReports); not meant to be run by hand, though it works:

  /usr/bin/python3 lib/report/execute.py --notebook notebooks/00-quickstart.ipynb \
      --html /tmp/out.html --cwd notebooks --timeout 900 --templates lib/report/templates

Progress and the result go to stdout as lines starting with EVENT_PREFIX followed by JSON, so they
stay separable from whatever the kernel process itself prints. The HTML is written even when the
notebook fails: the executed cells keep their outputs, the failing cell shows its error, and a
banner at the top says the report failed. Exit status: 0 ok, 1 notebook failed.
"""
import argparse
import json
import re
import sys
import tempfile
import time
import traceback

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

EVENT_PREFIX = '@@ser-report '


def emit(event):
    sys.stdout.write(EVENT_PREFIX + json.dumps(event) + '\n')
    sys.stdout.flush()


def code_cell_numbers(nb):
    """Maps a cell index to its 1-based position among code cells (what a reader counts)."""
    numbers, n = {}, 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == 'code':
            n += 1
            numbers[i] = n
    return numbers


EXCEPTION_LINE = re.compile(r'^([A-Za-z_$][\w$.]*(?:Error|Exception)|Error)(?: \[\w+\])?: (.*)$')
COMPILE_ERROR_LINE = re.compile(r'^\d+:\d+ - ')


def describe_error(cell):
    """(ename, evalue) of a failed cell. tslab reports both TypeScript compile errors
    ("3:22 - Cannot find module ...") and runtime exceptions (a stack trace) as text on stderr,
    not as error outputs; other kernels use error outputs."""
    outputs = cell.get('outputs', [])
    for out in outputs:
        if out.get('output_type') == 'error':
            return out.get('ename', 'Error'), out.get('evalue', '')
    stderr = ''.join(o.get('text', '') for o in outputs if o.get('output_type') == 'stream' and o.get('name') == 'stderr')
    lines = stderr.splitlines()
    compile_errors = [line for line in lines if COMPILE_ERROR_LINE.match(line)]
    if compile_errors:
        return 'TypeScript error', '\n'.join(compile_errors)
    for line in lines:
        match = EXCEPTION_LINE.match(line)
        if match:
            return match.group(1), match.group(2)
    if stderr.strip():
        return 'Error', stderr.strip()[-2000:]
    return 'Error', 'the cell failed without an error message'


def has_figure(nb):
    """Whether any output holds a lib/notebook figure (which draws with the page's plotly.js)."""
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            if 'class="ser-figure"' in out.get('data', {}).get('text/html', ''):
                return True
    return False


def read_tail(log, lines=15):
    log.flush()
    log.seek(0)
    return '\n'.join(log.read().rstrip().splitlines()[-lines:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--notebook', required=True)
    ap.add_argument('--html', required=True, help='where to write the HTML')
    ap.add_argument('--cwd', required=True, help="the kernel's working directory")
    ap.add_argument('--kernel', default='tslab')
    ap.add_argument('--timeout', type=int, default=900, help='seconds allowed per cell')
    ap.add_argument('--templates', required=True, help='directory holding the "ser" nbconvert template')
    ap.add_argument('--name', required=True, help='report name (page title fallback)')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--plotly', help='plotly.js bundle (JavaScript) to embed once in the head when a figure needs it')
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    numbers = code_cell_numbers(nb)
    total = len(numbers)

    failed_cells = []
    running = {'cell': None}

    def on_cell_start(cell, cell_index):
        running['cell'] = numbers.get(cell_index)
        if cell.cell_type == 'code':
            emit({'type': 'cell', 'cell': numbers[cell_index], 'of': total})

    def on_cell_error(cell, cell_index, **_):
        failed_cells.append(cell_index)

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        # The kernel's own start-up (tslab warms a TypeScript compiler) can take a while on 2 cores.
        startup_timeout=120,
        allow_errors=False,
        record_timing=True,
        resources={'metadata': {'path': args.cwd}},
        on_cell_start=on_cell_start,
        on_cell_error=on_cell_error,
    )
    started = time.time()
    failure = None
    # The kernel's own stderr goes to a file: when the kernel dies, its last words explain why.
    kernel_log = tempfile.TemporaryFile(mode='w+', encoding='utf-8', errors='replace')
    try:
        client.execute(stderr=kernel_log)
    except Exception as exc:  # noqa: BLE001 -- any failure must still produce a report
        # The error outputs are in the notebook; the failing cell is the one on_cell_error saw.
        if failed_cells:
            index = failed_cells[0]
            ename, evalue = describe_error(nb.cells[index])
            failure = {'cell': numbers.get(index), 'ename': ename, 'evalue': evalue}
        else:
            # Timeouts, kernel death, start-up failure: no error output in any cell.
            evalue = str(exc).strip()
            kernel_tail = read_tail(kernel_log)
            if kernel_tail:
                evalue += '\nkernel stderr (last lines):\n' + kernel_tail
            failure = {'cell': running['cell'], 'ename': type(exc).__name__, 'evalue': evalue}
            sys.stderr.write(traceback.format_exc())
    # Whatever the kernel printed outside cell outputs goes on to the caller's log.
    kernel_log.seek(0)
    sys.stderr.write(kernel_log.read())
    kernel_log.close()
    seconds = time.time() - started

    exporter = HTMLExporter(template_name='ser', extra_template_basedirs=[args.templates])
    resources = {
        'metadata': {'name': args.name},
        'ser': {
            'failure': failure,
            'quick': args.quick,
            'seconds': round(seconds, 1),
            'generated': time.strftime('%Y-%m-%d %H:%M', time.localtime()),
        },
    }
    if args.plotly and has_figure(nb):
        with open(args.plotly, encoding='utf-8') as f:
            resources['ser']['plotly'] = f.read()
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    with open(args.html, 'w', encoding='utf-8') as f:
        f.write(body)

    emit({'type': 'result', 'ok': failure is None, 'failure': failure, 'seconds': seconds})
    return 0 if failure is None else 1


if __name__ == '__main__':
    sys.exit(main())
