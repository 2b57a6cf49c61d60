export * from './fit';
export * from './dataset';
export * from './rows';
export * from './train-model';
export * from './pipeline';
export * from './pipeline-dir';
export * from './tune-target';
export * from './speaker-augmentation';
