import { archiveKey, csvName, isRejectsFileName, outputName, PublishedFiles, rejectsName, stem, WorkFiles } from '../../../src/contract/run-layout';

describe('file names', () => {
  test('a gzip upload names the CSV it holds', () => {
    expect(csvName('input/orders.csv.gz')).toBe('orders.csv');
    expect(csvName('input/ORDERS.CSV.GZ')).toBe('ORDERS.CSV');
    expect(csvName('input/orders.csv')).toBe('orders.csv');
    expect(csvName('input/.gz')).toBe('.gz');
    expect(stem('input/orders.csv.gz')).toBe('orders');
    expect(stem('input/orders.2024.csv')).toBe('orders.2024');
  });

  test('an upload named as a rejects file publishes its output under the original name, and its rejects under the same name again', () => {
    expect(isRejectsFileName('input/orders.rejects.csv')).toBe(true);
    expect(isRejectsFileName('input/Orders.Rejects.CSV.gz')).toBe(true);
    expect(isRejectsFileName('input/orders.csv')).toBe(false);
    expect(isRejectsFileName('input/.rejects.csv')).toBe(false);
    expect(isRejectsFileName('input/orders.rejects.csv.txt.csv')).toBe(false);
    expect([outputName('input/orders.rejects.csv'), rejectsName('input/orders.rejects.csv')]).toEqual(['orders.csv', 'orders.rejects.csv']);
    expect([outputName('input/orders.rejects.csv.gz'), rejectsName('input/orders.rejects.csv.gz')]).toEqual(['orders.csv', 'orders.rejects.csv']);
    expect([outputName('input/ORDERS.REJECTS.CSV'), rejectsName('input/ORDERS.REJECTS.CSV')]).toEqual(['ORDERS.CSV', 'ORDERS.rejects.csv']);
    expect([outputName('input/orders.csv'), rejectsName('input/orders.csv')]).toEqual(['orders.csv', 'orders.rejects.csv']);
    // The run id keeps the upload's own stem, so a run of a rejects file given back is told apart.
    expect(stem('input/orders.rejects.csv')).toBe('orders.rejects');
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

  test('a rejects file given back publishes orders.csv and orders.rejects.csv, and is archived as it came', () => {
    const published = new PublishedFiles('output/', 'run-4', 'input/orders.rejects.csv');
    expect(published.outputKey).toBe('output/run-4/orders.csv');
    expect(published.rejectsKey).toBe('output/run-4/orders.rejects.csv');
    expect(archiveKey('archive/', 'run-4', 'input/orders.rejects.csv')).toBe('archive/run-4/orders.rejects.csv');
    expect(new WorkFiles('runs/', 'run-4').stagedOutputKey('input/orders.rejects.csv')).toBe('runs/run-4/merged/orders.csv');
    expect(new WorkFiles('runs/', 'run-4').stagedRejectsKey('input/orders.rejects.csv')).toBe('runs/run-4/merged/orders.rejects.csv');
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
    expect(work.chunkLinesKey(3)).toBe('tmp/run-3/chunks/00003.lines.json');
    expect(work.processedKey(12)).toBe('tmp/run-3/processed/00012.csv');
    expect(work.chunkFailuresPrefix).toBe('tmp/run-3/failures/');
    expect(work.stagedOutputKey('input/orders.csv.gz')).toBe('tmp/run-3/merged/orders.csv');
    expect(work.stagedRejectsKey('input/orders.csv.gz')).toBe('tmp/run-3/merged/orders.rejects.csv');
  });
});
