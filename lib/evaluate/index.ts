export * from '../metrics/summary';
export * from '../metrics/classification-report';
export * from './bootstrap';
export * from './mcnemar';
export * from './breakdown';
export * from './evaluation-report';
export * from './evaluate-dir';
export * from './compare';
