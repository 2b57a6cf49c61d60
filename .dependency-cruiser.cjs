// Dependency direction of lib/ (`npm run depcheck`, run in CI): data flows audio → corpus manifest →
// features → model → metrics → figures → report, and each lib/ folder may import only the folders
// listed before it in LAYERS, never one after it; no import cycle crosses a lib/ folder.
//
// Where the order departs from the pipeline's, the code's needs say why:
// - engine sits at the bottom: it is a leaf kernel library (the WebAssembly runtime, its DSP kernels
//   and the tfjs training kernels) that audio (resampling) and dsp (FFT) call; backend loads it.
// - tune and metrics are leaves (they import nothing from lib/ but util), so they sit low: train
//   builds its tuning target on tune, evaluate's McNemar test takes erfc from tune/special, and
//   train, evaluate, infer and the browser all take their metrics from lib/metrics.
// - backend only picks the tfjs backend and loads engine's kernels; everything that runs tfjs
//   (models, train, evaluate, infer) sits above it.
// - models sits above augment: a zoo entry names its training-side speaker augmentation (a plain-JSON
//   recipe from augment/speaker), as it names its feature set from features.
// - viz turns results of evaluate and tune into figures and HTML, so it sits above them and infer.
// - cli and browser are two separate entry points at the top; neither imports the other.
'use strict';

/** Lowest first: a folder may import itself and the folders before it. */
const LAYERS = [
  'util',
  'engine',
  'dsp',
  'audio',
  'data',
  'features',
  'augment',
  'tune',
  'metrics',
  'backend',
  'models',
  'train',
  'evaluate',
  'infer',
  'viz',
  'notebook',
  'report',
  ['cli', 'browser'],
];

const folders = (layer) => (Array.isArray(layer) ? layer : [layer]);
const anyOf = (names) => `^lib/(${names.join('|')})/`;

/** One rule per layer: nothing in it imports a folder of a higher layer (or a sibling of its own layer). */
const layerRules = LAYERS.flatMap((layer, i) => {
  const higher = LAYERS.slice(i + 1).flatMap(folders);
  return folders(layer).map((name) => {
    const forbidden = [...higher, ...folders(layer).filter((other) => other !== name)];
    return {
      name: `layer-${name}`,
      comment: `lib/${name} imports only lower layers (see LAYERS in .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: `^lib/${name}/` },
      to: { path: forbidden.length > 0 ? anyOf(forbidden) : '^$' },
    };
  });
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular-between-folders',
      comment: 'no import cycle that leaves its lib/ folder (it would make the layer order meaningless)',
      severity: 'error',
      from: { path: '^lib/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^lib/$1/' } },
    },
    {
      name: 'no-circular-in-folder',
      comment:
        'a run-time import cycle inside one lib/ folder: harmless for the layers, but worth untangling ' +
        '(cycles through a type-only import vanish from the compiled code and are not reported)',
      severity: 'warn',
      from: { path: '^lib/([^/]+)/' },
      to: { circular: true, viaOnly: { path: '^lib/$1/', dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'lib-index-is-the-top',
      comment: 'lib/index.ts is the public barrel: nothing inside lib/ imports it',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^lib/index[.]ts$' },
    },
    ...layerRules,
  ],
  options: {
    includeOnly: '^lib/',
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from a higher layer ties the code to it just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
