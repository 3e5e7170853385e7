export * from './batch-file-processor';
export * from './batch-file-processor-props';
export * from './email-notification';
export * from './record-enricher';
export * from './record-validator';
