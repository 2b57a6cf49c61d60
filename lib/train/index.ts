export * from './slice';
export * from './fit';
export * from './dataset';
export * from './rows';
export * from './train-model';
export * from './trained-model';
export * from './tune-target';
export * from './speaker-augmentation';
