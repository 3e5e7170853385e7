import { checkTemplate, expandTemplate, templateColumns } from '../../../lambda-src/enrich/url-template';

describe('URL template', () => {
  const header = ['uuid', 'Country', 'Item Type'];

  test('lists each placeholder once, in order', () => {
    expect(templateColumns('https://h/{Country}/{uuid}?again={uuid}')).toEqual(['Country', 'uuid']);
  });

  test('replaces placeholders with the URL-encoded field values', () => {
    const url = expandTemplate('https://api.example.com/financials/{uuid}?type={Item Type}', header, ['12/3?x#y', 'Chad', 'Baby Food & Co']);
    expect(url).toBe('https://api.example.com/financials/12%2F3%3Fx%23y?type=Baby%20Food%20%26%20Co');
    expect(new URL(url).pathname).toBe('/financials/12%2F3%3Fx%23y');
  });

  test('encodes non-ASCII values as UTF-8', () => {
    expect(expandTemplate('http://h/{Country}', header, ['1', 'Côte d’Ivoire', ''])).toBe('http://h/C%C3%B4te%20d%E2%80%99Ivoire');
  });

  test('rejects templates without placeholders or naming unknown columns', () => {
    expect(() => checkTemplate('http://h/x', header)).toThrow(/no \{column\} placeholder/);
    expect(() => checkTemplate('http://h/{id}', header)).toThrow(/\{id\}/);
    expect(() => checkTemplate('http://h/{uuid}', header)).not.toThrow();
  });
});
