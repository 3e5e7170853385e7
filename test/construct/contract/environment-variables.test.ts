import {
  allOrNone, BOOLEAN, group, oneOf, optional, POSITIVE_INTEGER, required, TEXT, variant, withDefault,
} from '../../../src/contract/environment-variables';
import { ADDRESS_LIST, CSV_DELIMITER, NAME_LIST } from '../../../src/contract/handler-environment';

describe('a variable', () => {
  const size = withDefault('SIZE', POSITIVE_INTEGER, 16);

  test('is written as text and read back, its default when unset or empty', () => {
    expect(size.encode(8)).toEqual({ SIZE: '8' });
    expect(size.encode(undefined)).toEqual({});
    expect(size.decode({ SIZE: '8' })).toBe(8);
    expect(size.decode({})).toBe(16);
    expect(size.decode({ SIZE: '' })).toBe(16);
  });

  test('that breaks its rule is an error naming it, the rule and the value', () => {
    expect(() => size.decode({ SIZE: '1.5' })).toThrow('environment variable SIZE must be a positive integer, got "1.5"');
    expect(() => size.decode({ SIZE: '0' })).toThrow(/SIZE must be a positive integer/);
    expect(() => withDefault('ON', BOOLEAN, false).decode({ ON: 'yes' })).toThrow('environment variable ON must be true or false, got "yes"');
    expect(() => required('LEVEL', oneOf(['a', 'b'])).decode({ LEVEL: 'c' })).toThrow('environment variable LEVEL must be one of a, b, got "c"');
  });

  test('that is required and unset is an error naming it; an optional one reads undefined', () => {
    expect(() => required('ARN', TEXT).decode({})).toThrow('environment variable ARN is not set');
    expect(optional('FIELDS', NAME_LIST).decode({})).toBeUndefined();
  });
});

describe('a group', () => {
  const settings = group({ arn: required('ARN', TEXT), size: withDefault('SIZE', POSITIVE_INTEGER, 16) });

  test('writes each part\'s variables and reads them back into one object', () => {
    expect(settings.names).toEqual(['ARN', 'SIZE']);
    expect(settings.encode({ arn: 'a', size: 2 })).toEqual({ ARN: 'a', SIZE: '2' });
    expect(settings.encode({ arn: 'a' })).toEqual({ ARN: 'a' });
    expect(settings.decode({ ARN: 'a' })).toEqual({ arn: 'a', size: 16 });
  });

  test('may not hold one variable twice', () => {
    expect(() => group({ a: required('X', TEXT), b: optional('X', TEXT) })).toThrow('environment variable X is in a group twice');
  });

  test('set all together or not at all is undefined when none is set, and needs its required ones when one is', () => {
    const email = allOrNone({ sender: required('SENDER', TEXT), recipients: required('RECIPIENTS', ADDRESS_LIST) });
    expect(email.encode(undefined)).toEqual({});
    expect(email.decode({})).toBeUndefined();
    expect(email.decode({ SENDER: 'a@x.com', RECIPIENTS: 'b@y.org' })).toEqual({ sender: 'a@x.com', recipients: ['b@y.org'] });
    expect(() => email.decode({ RECIPIENTS: 'b@y.org' })).toThrow('environment variable SENDER is not set');
  });
});

describe('a variant', () => {
  const source = variant('SOURCE', {
    none: group({}),
    table: group({ table: required('TABLE', TEXT) }),
  }, 'none');

  test('writes the kind and its settings, and reads them back by the kind', () => {
    expect(source.names).toEqual(['SOURCE', 'TABLE']);
    expect(source.encode({ kind: 'table', table: 't' })).toEqual({ SOURCE: 'table', TABLE: 't' });
    expect(source.decode({ SOURCE: 'table', TABLE: 't' })).toEqual({ kind: 'table', table: 't' });
    expect(source.decode({})).toEqual({ kind: 'none' });
  });

  test('of an unknown kind is an error naming the kinds', () => {
    expect(() => source.decode({ SOURCE: 'http' })).toThrow('environment variable SOURCE must be one of none, table, got "http"');
  });
});

describe('value rules', () => {
  test('a name list is a JSON array of at least one non-empty name', () => {
    expect(NAME_LIST.parse('["a","b"]')).toEqual(['a', 'b']);
    for (const text of ['"a"', '[1]', '[]', '[""]', '[a]']) expect(NAME_LIST.parse(text)).toBeUndefined();
    expect(NAME_LIST.format(['a', 'b'])).toBe('["a","b"]');
  });

  test('addresses are comma-separated, blanks ignored', () => {
    expect(ADDRESS_LIST.parse(' a@x.com, ,b@y.org ')).toEqual(['a@x.com', 'b@y.org']);
    expect(ADDRESS_LIST.format(['a@x.com', 'b@y.org'])).toBe('a@x.com,b@y.org');
  });

  test('a CSV delimiter is one ASCII character other than a quote, CR and LF', () => {
    for (const delimiter of [',', ';', '\t', '|']) expect(CSV_DELIMITER.parse(delimiter)).toBe(delimiter);
    for (const delimiter of ['§', '"', '\r', '\n', ',,', 'é']) expect(CSV_DELIMITER.parse(delimiter)).toBeUndefined();
  });
});
