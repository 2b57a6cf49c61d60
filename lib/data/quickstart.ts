import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveDataRoot } from './root';
import { generateSyntheticSample } from './synthetic';

export interface QuickstartData {
  corpus: 'tess' | 'synthetic';
  root: string;
  synthetic: boolean;
  message: string;
}

/**
 * Choose the data for the quick start: real TESS under the data root when it is there; otherwise generate
 * the labelled SYNTHETIC sample (lib/data/synthetic) and say so, with how to add a real corpus.
 */
export async function prepareQuickstartData(root?: string): Promise<QuickstartData> {
  const dataRoot = resolveDataRoot(root);
  const tess = path.join(dataRoot, 'tess');
  if (fs.existsSync(tess) && fs.readdirSync(tess).some((d) => /^[A-Za-z0-9]+_[a-z_]+$/.test(d))) {
    return { corpus: 'tess', root: dataRoot, synthetic: false, message: `Using the real TESS corpus in ${tess}.` };
  }
  const made = generateSyntheticSample(dataRoot);
  return {
    corpus: 'synthetic',
    root: dataRoot,
    synthetic: true,
    message:
      `No TESS corpus under ${dataRoot}: running on a SYNTHETIC sample (${made.files} clips made with ${made.engine} in ${made.dir}). ` +
      'Results on it say nothing about real emotional speech. To use real data, put TESS in ' +
      `${tess} (see data/README.md) or point SER_DATA_DIR / --root at a folder that holds it.`,
  };
}
