import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A new, empty folder for one test file's work, named after what the test is (`tempFolder('lambda-host-test-')`).
 * All of them sit under one folder of the system's temporary folder, so what a test fails to remove is found
 * in one place; each test still removes its own in its `afterAll`.
 */
export function tempFolder(prefix: string): string {
  const parent = path.join(os.tmpdir(), 'cdk-batch-file-processor-tests');
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, prefix));
}
