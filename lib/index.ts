export * from './backend';
export * from './audio';
