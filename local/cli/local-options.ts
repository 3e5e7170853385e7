/** The options of `batch-file-processor local`: what it reads from the command line and prints as its help. */
import { badValue, integerAtLeast, OptionTable } from './option-table';
import type { TableDataFile } from '../run/app-run';
import { parseFaultPlan } from '../stand-ins/fault-injection';

/** `KEY=VALUE` split at the first `=`, or undefined without one (or with an empty side). */
function assignment(text: string): [string, string] | undefined {
  const at = text.indexOf('=');
  return at > 0 && at < text.length - 1 ? [text.slice(0, at), text.slice(at + 1)] : undefined;
}

/** An SES identity: an email address or a domain. */
const IDENTITY = /^([^@\s]+@)?[^@\s]+\.[^@\s]+$/;

export const LOCAL_OPTIONS = {
  'input': {
    type: 'string',
    value: 'FILE|DIR',
    required: true,
    multiple: true,
    description: 'a CSV file to process (or a gzipped one, .csv.gz), or a folder: its .csv and .csv.gz files; '
      + 'every input is uploaded at the same moment, each starting a run of its own',
  },
  'app': {
    type: 'string',
    value: 'COMMAND|DIR',
    description: 'the app: a command that synthesizes it, or a synthesized cloud assembly folder, as cdk\'s --app',
    default: 'the "app" of ./cdk.json',
  },
  'context': {
    type: 'string',
    short: 'c',
    value: 'KEY=VALUE',
    multiple: true,
    description: 'context for the app\'s synthesis, over that of ~/.cdk.json, cdk.json and cdk.context.json',
    read: (text: string, flag: string): [string, string] => assignment(text) ?? badValue(`${flag} needs KEY=VALUE, got "${text}"`),
  },
  'processor': {
    type: 'string',
    value: 'PATH',
    description: 'the construct path of the BatchFileProcessor to run, e.g. MyStack/Orders: needed when the app has more than one',
  },
  'table-data': {
    type: 'string',
    value: 'PATH=FILE',
    multiple: true,
    description: 'load a table of the processor\'s stack before the run: PATH is the table\'s construct path, e.g. MyStack/Financials; '
      + 'FILE is CSV with a header, or JSON Lines (.jsonl, .ndjson)',
    read: (text: string, flag: string): TableDataFile => {
      const [tablePath, file] = assignment(text) ?? badValue(`${flag} needs PATH=FILE (a table's construct path and a file), got "${text}"`);
      return { path: tablePath, file };
    },
  },
  'endpoint-data': {
    type: 'string',
    value: 'FILE',
    description: 'answer the HTTP endpoint enricher whose URL is outside the app from this CSV file: '
      + 'a per-record GET keyed by the URL\'s {column}s, a batch POST by the file\'s first column',
    default: 'the enricher calls its URL',
  },
  'out': {
    type: 'string',
    value: 'DIR',
    description: 'where the output, rejects, rejected-records table, summary and the functions\' log go',
    default: '.local-runs/<runId>/',
  },
  'json': { type: 'boolean', description: 'print the result as one JSON object, the last line of stdout' },
  'inject-faults': {
    type: 'string',
    value: 'PLAN',
    description: 'transient faults, as probabilities per request from 0 to 1: s3=R,enrich=R,lambda=R,ddb=R, any of them',
    default: 'none',
    read: (text: string, flag: string) => {
      try {
        return parseFaultPlan(text);
      } catch (error) {
        return badValue(`${flag}: ${(error as Error).message}`);
      }
    },
  },
  'redrive': { type: 'boolean', description: 'when a run fails, end the faults and redrive it once, as redrive-execution would' },
  'lambda-concurrency': {
    type: 'string',
    value: 'N',
    description: 'the account\'s Lambda concurrency quota: invocations in flight at once over all functions, past which Lambda throttles',
    default: '1000, AWS\'s',
    read: integerAtLeast(1),
  },
  's3-latency-ms': {
    type: 'string',
    value: 'N',
    description: 'model S3\'s first-byte latency: every S3 response starts N ms later',
    default: '0',
    read: integerAtLeast(0),
  },
  'no-iam': {
    type: 'boolean',
    description: 'allow every call, to tell a missing permission from another failure',
    default: 'every call is authorized against the app\'s IAM policies, as on AWS',
  },
  'verified-identities': {
    type: 'string',
    value: 'LIST',
    description: 'the SES identities verified in the account, email addresses and domains, comma-separated, '
      + 'beyond the app\'s AWS::SES::EmailIdentity resources',
    default: 'none',
    read: (text: string, flag: string) => {
      const identities = text.split(',').map((identity) => identity.trim()).filter(Boolean);
      if (identities.length === 0 || !identities.every((identity) => IDENTITY.test(identity))) {
        badValue(`${flag} must list email addresses or domains, got "${text}"`);
      }
      return identities;
    },
  },
  'no-ses-sandbox': {
    type: 'boolean',
    description: 'SES with production access: recipients need not be verified',
    default: 'the sandbox, where recipients must be verified too',
  },
  'help': { type: 'boolean', short: 'h', description: 'print this help' },
} as const satisfies OptionTable;
