import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputFiles } from '../../../local/cli/input-files';
import { tempFolder } from '../../support/temp-folder';

// What `--input` names: files as given, folders as their CSV files.
const work = tempFolder('input-files-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function folder(name: string, files: string[]): string {
  const dir = path.join(work, name);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), 'id\n1\n');
  }
  return dir;
}

test('a folder is its .csv, .CSV and .csv.gz files, sorted by name, not those of its subfolders; files are kept in the order given', () => {
  const dir = folder('mixed', ['b.CSV', 'a.csv', 'c.csv.gz', 'notes.txt', 'data.csv.bak', 'nested/d.csv']);
  fs.mkdirSync(path.join(dir, 'folder.csv'));
  fs.symlinkSync(path.join(dir, 'a.csv'), path.join(dir, 'linked.csv'));
  const single = path.join(folder('single', ['z.csv']), 'z.csv');
  expect(inputFiles([single, dir])).toEqual([single, ...['a.csv', 'b.CSV', 'c.csv.gz', 'linked.csv'].map((file) => path.join(dir, file))]);
});

test('a file is taken as it is, whatever its name (the processor decides what it takes)', () => {
  const file = path.join(folder('named', ['orders.txt']), 'orders.txt');
  expect(inputFiles([file])).toEqual([file]);
});

test.each([
  ['a path that does not exist', () => path.join(work, 'missing.csv'), /^no such file: \S+missing\.csv$/],
  ['an empty folder', () => fs.mkdtempSync(path.join(work, 'empty-')), /^--input \S+empty-\w+: a folder without \.csv or \.csv\.gz files$/],
  ['a folder of other files', () => folder('others', ['readme.md', 'sub/x.csv']), /^--input \S+others: a folder without \.csv or \.csv\.gz files$/],
])('%s is bad use', (_name, given, message) => {
  expect(() => inputFiles([given()])).toThrow(message);
});
