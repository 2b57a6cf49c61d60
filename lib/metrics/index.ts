export * from './classification-report';
export * from './summary';
export * from './history';
