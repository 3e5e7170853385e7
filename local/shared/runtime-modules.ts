import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A module folder with what Lambda's Node.js runtime provides to every function besides Node.js itself:
 * the AWS SDK for JavaScript v3 (`@aws-sdk/*`; https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html),
 * here the clients this tool has. Only that scope is linked, so code that works locally cannot lean on the
 * tool's other packages, which a function on AWS would not find.
 */
export function runtimeModulesFolder(directory: string): string {
  const sdkScope = path.dirname(path.dirname(require.resolve('@aws-sdk/client-s3/package.json')));
  const folder = path.join(directory, 'node_modules');
  fs.mkdirSync(folder, { recursive: true });
  // A junction needs no privilege on Windows; elsewhere it is an ordinary symbolic link.
  fs.symlinkSync(sdkScope, path.join(folder, '@aws-sdk'), 'junction');
  return folder;
}
