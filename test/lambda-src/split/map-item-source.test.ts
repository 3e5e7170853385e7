import { RunTooLarge } from '../../../lambda-src/shared/errors';
import { checkMapItemSource, MAP_MAX_ITEM_FILE_BYTES, MAP_MAX_ITEMS } from '../../../lambda-src/split/map-item-source';

// At the documented boundaries: with chunkSize 1, a file of 100,000,000 records is the largest run the Map reads whole.
test('a manifest of 100,000,000 items within 10 GB is read whole; one item more is refused before any chunk runs', () => {
  expect(() => checkMapItemSource('orders.csv', 1, MAP_MAX_ITEMS, 9_000_000_000)).not.toThrow();
  const refused = () => checkMapItemSource('orders.csv', 1, MAP_MAX_ITEMS + 1, 9_000_000_000);
  expect(refused).toThrow(RunTooLarge);
  expect(refused).toThrow('orders.csv: 100000001 chunks, but the Distributed Map reads at most 100000000 items: raise chunkSize (now 1) or split the file');
});

test('a manifest of 10 GB is read whole; one byte more is refused', () => {
  expect(() => checkMapItemSource('orders.csv', 1000, 1000, MAP_MAX_ITEM_FILE_BYTES)).not.toThrow();
  expect(() => checkMapItemSource('orders.csv', 1000, 1000, MAP_MAX_ITEM_FILE_BYTES + 1))
    .toThrow('orders.csv: the chunk manifest is 10000000001 bytes, but the Distributed Map reads files of at most 10000000000: raise chunkSize (now 1000) or split the file');
});

test('the error is named for Step Functions to report as the run\'s error code', () => {
  let caught: unknown;
  try {
    checkMapItemSource('orders.csv', 1, MAP_MAX_ITEMS + 1, 1);
  } catch (error) {
    caught = error;
  }
  expect((caught as Error).name).toBe('RunTooLarge');
});
