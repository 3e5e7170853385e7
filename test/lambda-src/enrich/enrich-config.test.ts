import { enrichmentOf } from '../../../lambda-src/enrich/enrich-config';
import { HttpBatchSource } from '../../../lambda-src/enrich/http-batch-source';
import { HttpSource } from '../../../lambda-src/enrich/http-source';
import { LambdaSource } from '../../../lambda-src/enrich/lambda-source';
import { TableSource } from '../../../lambda-src/enrich/table-source';
import { ENRICHER } from '../../../src/contract/handler-environment';

const http = { ENRICHER: 'http', ENRICH_URL: 'https://api.example.com/financials/{uuid}' };

test('an HTTP enricher calls per record unless its batch size is above 1', () => {
  expect(enrichmentOf(ENRICHER.decode(http)).source).toBeInstanceOf(HttpSource);
  expect(enrichmentOf(ENRICHER.decode({ ...http, ENRICH_BATCH_SIZE: '1' })).source).toBeInstanceOf(HttpSource);
  const batch = enrichmentOf(ENRICHER.decode({ ...http, ENRICH_URL: 'https://api.example.com/financials/batch', ENRICH_BATCH_SIZE: '100' }));
  expect(batch.source).toBeInstanceOf(HttpBatchSource);
});

test('the fields to append come with the HTTP and table enrichers', () => {
  expect(enrichmentOf(ENRICHER.decode({ ...http, ENRICH_FIELDS: '["a","b"]' })).fields).toEqual(['a', 'b']);
  expect(enrichmentOf(ENRICHER.decode(http)).fields).toBeUndefined();
  const table = ENRICHER.decode({ ENRICHER: 'table', ENRICH_TABLE: 't', ENRICH_KEY_COLUMN: 'uuid', ENRICH_KEY_ATTRIBUTE: 'id', ENRICH_FIELDS: '["price"]' });
  const enrichment = enrichmentOf(table);
  expect(enrichment.source).toBeInstanceOf(TableSource);
  expect(enrichment.fields).toEqual(['price']);
});

test('a Lambda enricher calls the function', () => {
  expect(enrichmentOf(ENRICHER.decode({ ENRICHER: 'lambda', ENRICH_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:f' })).source)
    .toBeInstanceOf(LambdaSource);
});

test('a signed HTTP enricher needs the region Lambda sets', () => {
  const signed = ENRICHER.decode({ ...http, ENRICH_SIGV4: 'true' });
  expect(() => enrichmentOf(signed, { region: '' })).toThrow('environment variable AWS_REGION is not set: requests cannot be signed');
  expect(enrichmentOf(signed, { region: 'eu-west-1' }).source).toBeInstanceOf(HttpSource);
});
