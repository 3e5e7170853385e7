import { RecordEnricher, RecordValidator } from '../../src';
import { synthesizeProcessor } from '../support/processor-template';

/** Asset hashes change with every handler edit; the template's shape is what the snapshot pins. */
function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip)?/g, 'ASSET-HASH'));
}

test('the template of a fully configured processor matches the snapshot', () => {
  const { template } = synthesizeProcessor(() => ({
    validator: RecordValidator.fromJsonSchema({ type: 'object', required: ['uuid'] }),
    enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/financials/{uuid}' }),
    email: { sender: 'batch@example.com', recipients: ['ops@example.com'] },
    maxConcurrency: 20,
    toleratedFailurePercentage: 5,
  }));
  expect(withoutAssetHashes(template.toJSON())).toMatchSnapshot();
});
