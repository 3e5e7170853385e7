import * as fs from 'node:fs';
import * as path from 'node:path';
import { EndpointData, EndpointDataServer, readEndpointData, startEndpointDataServer } from '../../../local/stand-ins/endpoint-data';
import { tempFolder } from '../../support/temp-folder';

// An enrichment endpoint outside the app, answered from a CSV file (`--endpoint-data`), in both of the
// enricher's forms: a GET per record to the URL template, and POSTed batches.
const work = tempFolder('endpoint-data-test-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function dataFile(name: string, text: string): EndpointData {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return readEndpointData(file);
}

describe('the endpoint', () => {
  const data = dataFile('rates.csv', 'country,currency,rate\nFR,EUR,1.1\nFR,USD,1.2\n"Oman, North",OMR,2.6\n');
  const faults = { rate: 0, random: () => 0.5 };
  let server: EndpointDataServer;
  beforeAll(async () => { server = await startEndpointDataServer(data, faults); });
  afterAll(() => server.close());

  test('per record: the URL template\'s placeholders are the key; the other columns answer, as strings; 404 without a row', async () => {
    const url = server.localUrl('https://rates.example.com/rates/{country}?currency={currency}');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\d+\/rates\/\{country\}\?currency=\{currency\}$/);
    const get = async (country: string, currency: string) => {
      const response = await fetch(url.replace('{country}', encodeURIComponent(country)).replace('{currency}', encodeURIComponent(currency)));
      return { status: response.status, body: await response.json() };
    };
    await expect(get('FR', 'USD')).resolves.toEqual({ status: 200, body: { rate: '1.2' } });
    await expect(get('Oman, North', 'OMR')).resolves.toEqual({ status: 200, body: { rate: '2.6' } });
    await expect(get('FR', 'GBP')).resolves.toMatchObject({ status: 404 });
    expect((await fetch(url.replace('{country}', 'FR').replace('{currency}', 'EUR'), { method: 'POST' })).status).toBe(405);
  });

  test('in batches: the file\'s first column is the key; null for a record without a row', async () => {
    const byCountry = dataFile('countries.csv', 'country,population\nFR,68\nTD,18\n');
    const countries = await startEndpointDataServer(byCountry, faults);
    try {
      const response = await fetch(countries.localUrl('https://stats.example.com/batch'), {
        method: 'POST',
        body: JSON.stringify({ header: ['uuid', 'country'], records: [{ line: 2, fields: ['1', 'TD'] }, { line: 3, fields: ['2', 'XX'] }, { line: 4, fields: ['3', 'FR'] }] }),
      });
      expect(await response.json()).toEqual({ results: [{ population: '18' }, null, { population: '68' }] });
      const unkeyed = await fetch(countries.localUrl('https://stats.example.com/other'), { method: 'POST', body: JSON.stringify({ header: ['uuid'], records: [] }) });
      expect(unkeyed.status).toBe(400);
    } finally {
      await countries.close();
    }
  });

  test('enrich faults answer 503 at their rate', async () => {
    const url = server.localUrl('https://rates.example.com/again/{country}/{currency}');
    faults.rate = 1;
    expect((await fetch(url.replace('{country}', 'FR').replace('{currency}', 'EUR'))).status).toBe(503);
    faults.rate = 0;
    expect((await fetch(url.replace('{country}', 'FR').replace('{currency}', 'EUR'))).status).toBe(200);
  });
});

describe('endpoint data that does not fit, refused before anything runs', () => {
  test('a file that does not parse, naming it and the line', () => {
    expect(() => dataFile('ragged.csv', 'uuid,score\nc1,7\nc2\n')).toThrow(/ragged\.csv: Invalid Record Length: .* on line 3/);
  });

  test.each([
    ['a placeholder without its column', 'uuid,score\nc1,7\n', 'https://x.example.com/{customer}', /has no column "customer", which the enricher's URL \S+ is keyed by/],
    ['two rows for one key', 'uuid,score\nc1,7\nc1,8\n', 'https://x.example.com/{uuid}', /line 3: a second row for uuid=c1/],
  ])('%s', async (name, text, template, message) => {
    const server = await startEndpointDataServer(dataFile(`${name.replace(/\W+/g, '-')}.csv`, text), { rate: 0, random: Math.random });
    try {
      expect(() => server.localUrl(template)).toThrow(message);
    } finally {
      await server.close();
    }
  });
});
