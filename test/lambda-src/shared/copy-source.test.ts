import { copySourceOf } from '../../../lambda-src/shared/copy-source';

test('encodes each key segment, keeps the slashes, adds the version', () => {
  expect(copySourceOf({ bucket: 'b', key: 'input/my file+€.csv' })).toBe('b/input/my%20file%2B%E2%82%AC.csv');
  expect(copySourceOf({ bucket: 'b', key: 'input/a.csv', versionId: 'v1' })).toBe('b/input/a.csv?versionId=v1');
});
