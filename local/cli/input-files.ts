/** The files `--input` names: a file as it is, a folder as the input files in it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../shared/usage-error';

/** What the processor takes as input, by name: CSV, or gzipped CSV (decompressed by split), in any case. */
const INPUT_FILE = /\.csv(\.gz)?$/i;

/**
 * Each path as a list of files, in the order given: a file as it is; a folder as its `.csv` and `.csv.gz` files
 * (not those of its subfolders), sorted by name. A path that does not exist or cannot be read, or a folder with
 * no such file, is bad use.
 */
export function inputFiles(paths: readonly string[]): string[] {
  return paths.flatMap((given) => {
    let entries: fs.Dirent[] | undefined;
    try {
      if (!fs.statSync(given).isDirectory()) {
        fs.accessSync(given, fs.constants.R_OK);
        return [given];
      }
      entries = fs.readdirSync(given, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `no such file: ${given}` : `cannot read ${given}: ${(error as Error).message}`);
    }
    // A link to a file counts as the file.
    const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    const files = entries.filter((entry) => INPUT_FILE.test(entry.name)).map((entry) => path.join(given, entry.name)).filter(isFile).sort();
    if (files.length === 0) throw new UsageError(`--input ${given}: a folder without .csv or .csv.gz files`);
    return files;
  });
}
