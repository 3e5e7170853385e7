import { archiveKey, csvName, PublishedFiles, stem, WorkFiles } from '../../../lambda-src/shared/run-layout';

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

describe('PublishedFiles', () => {
  test('publishes plain CSV named without .gz, and the archive keeps the upload as it came', () => {
    const published = new PublishedFiles('output/', 'run-1', 'input/sub/orders.csv.gz');
    expect(published.outputKey).toBe('output/run-1/orders.csv');
    expect(published.rejectsKey).toBe('output/run-1/orders.rejects.csv');
    expect(published.summaryKey).toBe('output/run-1/summary.json');
    expect(archiveKey('archive/', 'run-1', 'input/sub/orders.csv.gz')).toBe('archive/run-1/orders.csv.gz');
  });

  test('keeps the names of an uncompressed upload', () => {
    const published = new PublishedFiles('out/', 'run-2', 'input/orders.csv');
    expect(published.outputKey).toBe('out/run-2/orders.csv');
    expect(published.rejectsKey).toBe('out/run-2/orders.rejects.csv');
    expect(archiveKey('done/', 'run-2', 'input/orders.csv')).toBe('done/run-2/orders.csv');
  });
});

describe('WorkFiles', () => {
  test('every work file is under the run\'s work folder; the staged output is named after the input', () => {
    const work = new WorkFiles('tmp/', 'run-3');
    expect(work.runPlanKey).toBe('tmp/run-3/run.json');
    expect(work.chunkKey(3)).toBe('tmp/run-3/chunks/00003.csv');
    expect(work.processedKey(12)).toBe('tmp/run-3/processed/00012.csv');
    expect(work.chunkFailuresPrefix).toBe('tmp/run-3/failures/');
    expect(work.stagedOutputKey('input/orders.csv.gz')).toBe('tmp/run-3/merged/orders.csv');
    expect(work.stagedRejectsKey('input/orders.csv.gz')).toBe('tmp/run-3/merged/orders.rejects.csv');
  });
});
