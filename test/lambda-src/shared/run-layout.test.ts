import { csvName, RunLayout, stem } from '../../../lambda-src/shared/run-layout';

const prefixes = { input: 'input/', output: 'output/', archive: 'archive/', work: 'runs/' };

describe('file names', () => {
  test('a gzip upload names the CSV it holds', () => {
    expect(csvName('input/orders.csv.gz')).toBe('orders.csv');
    expect(csvName('input/ORDERS.CSV.GZ')).toBe('ORDERS.CSV');
    expect(csvName('input/orders.csv')).toBe('orders.csv');
    expect(csvName('input/.gz')).toBe('.gz');
    expect(stem('input/orders.csv.gz')).toBe('orders');
    expect(stem('input/orders.2024.csv')).toBe('orders.2024');
  });
});

describe('RunLayout', () => {
  test('publishes plain CSV named without .gz and archives the upload as it came', () => {
    const layout = new RunLayout(prefixes, 'run-1', 'input/sub/orders.csv.gz');
    expect(layout.outputKey).toBe('output/run-1/orders.csv');
    expect(layout.rejectsKey).toBe('output/run-1/orders.rejects.csv');
    expect(layout.archiveKey).toBe('archive/run-1/orders.csv.gz');
  });

  test('keeps the names of an uncompressed upload', () => {
    const layout = new RunLayout(prefixes, 'run-2', 'input/orders.csv');
    expect(layout.outputKey).toBe('output/run-2/orders.csv');
    expect(layout.rejectsKey).toBe('output/run-2/orders.rejects.csv');
    expect(layout.archiveKey).toBe('archive/run-2/orders.csv');
    expect(layout.chunkKey(3)).toBe('runs/run-2/chunks/00003.csv');
  });
});
