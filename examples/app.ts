import { App } from 'aws-cdk-lib';
import { OrdersPipelineStack } from './orders-stack';
import { InputEncoding } from '../src';

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
};
const chunkSize = context('chunkSize');
const recipients = context('emailRecipients');

// Env-agnostic: synthesizes offline, deploys to the account and region of the CLI's credentials.
new OrdersPipelineStack(app, 'OrdersPipeline', {
  chunkSize: chunkSize === undefined ? undefined : Number(chunkSize),
  delimiter: context('delimiter'),
  encoding: context('encoding') as InputEncoding | undefined,
  emailSender: context('emailSender'),
  emailRecipients: recipients?.split(',').map((address) => address.trim()).filter((address) => address.length > 0),
});
