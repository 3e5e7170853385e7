/**
 * The gate in front of a stand-in: refused requests never reach it; allowed ones reach it whole, a body read to
 * decide replayed byte for byte (to a plain server, and to s3rver's DeleteObjects), the others untouched.
 */
import { createHash } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gateServer } from '../../../local/iam/request-gate';
import { LOCAL_CREDENTIALS, StandIns, startStandIns } from '../../../local/stand-ins/stand-ins';

describe('gateServer in front of a plain server', () => {
  let server: Server;
  let url: string;
  const reached: string[] = [];
  beforeAll(async () => {
    // The stand-in answers with what it read: method, path and the body's hash.
    server = createServer((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (chunk: Buffer) => hash.update(chunk));
      req.on('end', () => {
        reached.push(`${req.method} ${req.url}`);
        res.end(JSON.stringify({ method: req.method, url: req.url, sha: hash.digest('hex'), header: req.headers['x-kept'] }));
      });
    });
    gateServer(server, {
      readsBody: (req) => req.method === 'POST',
      refusal(request) {
        if (request.headers['x-fail']) throw new Error('cannot map this request');
        const refused = request.headers['x-refuse'] !== undefined || String(request.body ?? '').includes('forbidden');
        return refused ? { status: 403, headers: { 'content-type': 'text/plain' }, body: 'refused' } : undefined;
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const sha = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');

  test('an allowed request whose body was read reaches the stand-in with the same method, path, headers and bytes', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'abc');
    const reply = await fetch(`${url}/a?x=1`, { method: 'POST', body, headers: { 'x-kept': 'yes' } });
    expect(await reply.json()).toEqual({ method: 'POST', url: '/a?x=1', sha: sha(body), header: 'yes' });
  });

  test('an allowed request whose body is not needed streams through untouched', async () => {
    const reply = await fetch(`${url}/b`, { method: 'PUT', body: 'streamed' });
    expect(await reply.json()).toMatchObject({ method: 'PUT', url: '/b', sha: sha('streamed') });
  });

  test('a refused request is answered by the gate and never reaches the stand-in, decided by its body or its headers', async () => {
    const before = reached.length;
    const byBody = await fetch(`${url}/c`, { method: 'POST', body: 'a forbidden thing' });
    const byHeader = await fetch(`${url}/d`, { method: 'PUT', body: 'x', headers: { 'x-refuse': '1' } });
    expect([byBody.status, await byBody.text(), byHeader.status, await byHeader.text()]).toEqual([403, 'refused', 403, 'refused']);
    expect(reached.length).toBe(before);
  });

  test('a request the gate cannot decide is answered 500 with the reason, not let through', async () => {
    const reply = await fetch(`${url}/e`, { method: 'GET', headers: { 'x-fail': '1' } });
    expect([reply.status, await reply.text()]).toEqual([500, 'cannot map this request']);
  });
});

describe('gateServer in front of s3rver', () => {
  let standIns: StandIns;
  let s3: S3Client;
  beforeAll(async () => {
    standIns = await startStandIns();
    s3 = new S3Client({ region: 'us-east-1', endpoint: standIns.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  });
  afterAll(async () => {
    s3.destroy();
    await standIns.close();
  });

  test('DeleteObjects, decided by the keys in its body, deletes what it names once let through', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'gated' }));
    for (const key of ['keep/a', 'drop/a', 'drop/b']) await s3.send(new PutObjectCommand({ Bucket: 'gated', Key: key, Body: key }));
    gateServer(standIns.s3Server, {
      readsBody: (req) => req.method === 'POST' && (req.url ?? '').includes('delete'),
      refusal: (request) => (String(request.body ?? '').includes('<Key>keep/')
        ? { status: 403, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>AccessDenied</Code><Message>keep</Message></Error>' }
        : undefined),
    });
    await expect(s3.send(new DeleteObjectsCommand({ Bucket: 'gated', Delete: { Objects: [{ Key: 'keep/a' }] } }))).rejects.toThrow('keep');
    const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: 'gated', Delete: { Objects: [{ Key: 'drop/a' }, { Key: 'drop/b' }] } }));
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(['drop/a', 'drop/b']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'gated' }))).Contents?.map((o) => o.Key)).toEqual(['keep/a']);
  });
});
