/** Figures for notebooks and reports: pure data → Plotly figure specs (rendered by lib/notebook). */
export * from './plotly';
export * from './figures';
export * from './tune';
export * from './audio';
export * from './distributions';
export * from './evaluation';
export * from './stream';
export * from './html';
export * from './evaluation-page';
export * from './stream-page';
