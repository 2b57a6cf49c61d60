export * from './classification-report';
export * from './summary';
