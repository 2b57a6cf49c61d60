/**
 * `ser export --model DIR --quantize float16|uint8 --out DIR`: a copy of a neural model directory with its
 * weights quantised (smaller downloads for the browser demo); `ser evaluate` measures what it costs.
 */
import { exportQuantizedModelDir } from '../models/model-dir';
import { WEIGHT_QUANTIZATIONS, type WeightQuantization } from '../models/quantize';
import { UserError } from '../util/errors';
import { MODEL_DIR_OPTIONS, requireModelDir, requireString } from './args';
import type { Command } from './commands';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const exportModel: Command = {
  spec: {
    name: 'export',
    summary:
      'ser export — copy a neural model directory with float16 or uint8 weights (tfjs decodes them on load).',
    usage: 'ser export --model-dir DIR --quantize float16|uint8 --out DIR',
    options: {
      ...MODEL_DIR_OPTIONS,
      quantize: {
        type: 'string',
        value: 'TYPE',
        description: 'weight type: float16 (½ size) or uint8 (¼ size)',
      },
      out: {
        type: 'string',
        value: 'MODEL_DIR',
        description: 'model directory to write (replaced atomically)',
      },
    },
    examples: [
      'ser export --model-dir models/tess-best-mlp --quantize float16 --out models/tess-best-mlp-f16',
      'ser evaluate --model-dir models/tess-best-mlp-f16',
    ],
  },
  async run(args) {
    const model = requireModelDir(args, 'export');
    const quantize = requireString(args, 'quantize', 'export');
    const out = requireString(args, 'out', 'export');
    if (!(WEIGHT_QUANTIZATIONS as readonly string[]).includes(quantize))
      throw new UserError(
        `export: --quantize must be ${WEIGHT_QUANTIZATIONS.join(' or ')}, got "${quantize}"`,
      );
    await exportQuantizedModelDir(model, out, quantize as WeightQuantization);
    const size = (dir: string) => fs.statSync(path.join(dir, 'weights.bin')).size;
    process.stdout.write(
      `ser export: ${out} (${quantize} weights: ${size(out)} bytes, was ${size(model)})\n`,
    );
  },
};
