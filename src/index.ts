export { BatchFileProcessor } from './batch-file-processor';
export { BatchFileProcessorProps, HandlerLogLevel } from './batch-file-processor-props';
export { EmailNotification } from './email-notification';
export { HandlerBindConfig, HandlerBindOptions } from './handler-binding';
export * from './record-enricher';
export * from './record-validator';
