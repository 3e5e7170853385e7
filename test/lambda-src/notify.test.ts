import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { LocalAws, startLocalAws } from './local-aws';
import { handler } from '../../lambda-src/notify';
import { NotifyTask } from '../../lambda-src/shared/contracts';
import { RunLayout, prefixesFromEnv } from '../../lambda-src/shared/run-layout';
import { objectExists, readJson, writeJson, writeText } from '../../lambda-src/shared/s3-objects';

// aws-ses-v2-local's entry point is CommonJS: under jest a dynamic import() needs
// --experimental-vm-modules, while require() loads it (and its dependencies) as they are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const startSes: (config: { host: string; port: number }) => Promise<Server> = require('aws-ses-v2-local').default;

interface StoredEmail {
  readonly from: string;
  readonly destination: { readonly to: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

const bucket = 'notify-test';

describe('notify', () => {
  let aws: LocalAws;
  let ses: Server;
  let sesUrl: string;

  beforeAll(async () => {
    aws = await startLocalAws({ bucket });
    ses = await startSes({ host: '127.0.0.1', port: 0 });
    sesUrl = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SESV2: sesUrl,
      BUCKET_NAME: bucket,
      LOG_LEVEL: 'error',
      EMAIL_SENDER: 'batch@example.com',
      EMAIL_RECIPIENTS: 'ops@example.com, data@example.com',
      LINK_EXPIRY_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    if (ses) {
      await new Promise<void>((resolve) => {
        ses.close(() => resolve());
        ses.closeAllConnections();
      });
    }
    await aws?.close();
  });

  beforeEach(() => fetch(`${sesUrl}/clear-store`, { method: 'POST' }));

  async function sentEmails(): Promise<StoredEmail[]> {
    const store = await (await fetch(`${sesUrl}/store`)).json() as { emails: StoredEmail[] };
    return store.emails;
  }

  function runFiles(runId: string) {
    const layout = new RunLayout(prefixesFromEnv(), runId, 'input/orders.csv');
    const split = {
      runId,
      manifestKey: layout.manifestKey,
      chunkCount: 2,
      records: 3,
      outputKey: layout.outputKey,
      rejectsKey: layout.rejectsKey,
      summaryKey: layout.summaryKey,
      archiveKey: layout.archiveKey,
      copySource: `${bucket}/input/orders.csv`,
    };
    return { layout, split };
  }

  test('a successful run: summary, and an email with counts and working links', async () => {
    const { layout, split } = runFiles('orders-ok');
    await writeJson({ bucket, key: layout.runPlanKey }, { ...split, startedAt: new Date(Date.now() - 61_000).toISOString() });
    await writeText({ bucket, key: layout.outputKey }, 'uuid,Country\n1,Chad\n2,Peru\n');
    await writeText({ bucket, key: layout.rejectsKey }, 'line,uuid,Country,reasons\n4,x,Fiji,bad uuid\n');
    const task: NotifyTask = {
      status: 'SUCCEEDED',
      runId: 'orders-ok',
      bucket,
      key: 'input/orders.csv',
      split,
      merge: { records: { total: 3, valid: 2, rejected: 1 }, outputKey: layout.outputKey, rejectsKey: layout.rejectsKey, failedChunks: 0 },
    };

    expect(await handler(task)).toEqual({ summaryKey: layout.summaryKey, emailed: true });

    const summary = await readJson<any>({ bucket, key: layout.summaryKey });
    expect(summary).toMatchObject({ status: 'SUCCEEDED', records: { total: 3, valid: 2, rejected: 1 }, output: layout.outputKey, chunks: 2 });
    expect(summary.durationMs).toBeGreaterThanOrEqual(61_000);
    expect(summary.durationMs).toBeLessThan(120_000);

    const [email, ...others] = await sentEmails();
    expect(others).toHaveLength(0);
    expect(email.from).toBe('batch@example.com');
    expect(email.destination.to).toEqual(['ops@example.com', 'data@example.com']);
    expect(email.subject).toBe('Batch run orders.csv: 2 valid, 1 rejected');
    const text = email.body.text!;
    expect(text).not.toMatch(/Chad|Peru|Fiji/);
    const links = text.match(/http:\/\/\S+/g)!;
    expect(links).toHaveLength(2);
    expect(links[0]).toContain('X-Amz-Expires=3600');
    expect(await (await fetch(links[0])).text()).toBe('uuid,Country\n1,Chad\n2,Peru\n');
    expect(await (await fetch(links[1])).text()).toContain('bad uuid');
  });

  test('a failed run: output deleted, summary and email name the error', async () => {
    const { layout, split } = runFiles('orders-failed');
    await writeText({ bucket, key: layout.outputKey }, 'uuid\n1\n');
    const cause = JSON.stringify({ errorType: 'InputFormatError', errorMessage: 'orders.csv line 57: unterminated quoted field' });
    const task: NotifyTask = { status: 'FAILED', runId: 'orders-failed', bucket, key: 'input/orders.csv', split, error: { Error: 'InputFormatError', Cause: cause } };

    expect(await handler(task)).toEqual({ summaryKey: layout.summaryKey, emailed: true });

    expect(await objectExists({ bucket, key: layout.outputKey })).toBe(false);
    const summary = await readJson<any>({ bucket, key: layout.summaryKey });
    expect(summary).toMatchObject({ status: 'FAILED', error: { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' } });
    expect(summary.output).toBeUndefined();
    expect(summary.startedAt).toBeUndefined();
    const [email] = await sentEmails();
    expect(email.subject).toBe('Batch run orders.csv failed: InputFormatError');
    expect(email.body.text).toContain('orders.csv line 57: unterminated quoted field');
    expect(email.body.text).toContain('The input file was kept');
  });

  test('a failure before split-input: summary at the layout key, no email without recipients', async () => {
    process.env.EMAIL_RECIPIENTS = ' ';
    try {
      const task: NotifyTask = { status: 'FAILED', runId: 'empty-run', bucket, key: 'input/empty.csv', error: { Error: 'EmptyFile', Cause: 'input/empty.csv is empty' } };
      const layout = new RunLayout(prefixesFromEnv(), 'empty-run', 'input/empty.csv');
      expect(await handler(task)).toEqual({ summaryKey: layout.summaryKey, emailed: false });
      expect(await readJson<any>({ bucket, key: layout.summaryKey })).toMatchObject({ status: 'FAILED', error: { code: 'EmptyFile' } });
      expect(await sentEmails()).toHaveLength(0);
    } finally {
      process.env.EMAIL_RECIPIENTS = 'ops@example.com, data@example.com';
    }
  });
});
