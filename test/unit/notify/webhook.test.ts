// The webhook client against real HTTP servers on loopback: one that answers, one that fails,
// one that never answers, and a port nobody listens on.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSummary, runSummary, worthNotifying } from '../../../src/notify/webhook.js';
import type { Plan } from '../../../src/plan/model.js';
import type { ApplyResult } from '../../../src/apply/executor.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function listen(handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => handler(req, body, res));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('postSummary', () => {
  const received: Received[] = [];
  let ok: { server: Server; url: string };
  let failing: { server: Server; url: string };
  let silent: { server: Server; url: string };
  let closedPort: string;

  beforeAll(async () => {
    ok = await listen((req, body, res) => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(204).end();
    });
    failing = await listen((_req, _body, res) => res.writeHead(500, 'Internal Server Error').end('boom'));
    silent = await listen(() => undefined);
    const spare = await listen(() => undefined);
    closedPort = spare.url;
    await new Promise((r) => spare.server.close(r));
  });
  afterAll(async () => {
    for (const s of [ok, failing, silent]) {
      s.server.closeAllConnections();
      await new Promise((r) => s.server.close(r));
    }
  });

  it('POSTs the JSON and reports nothing when the webhook answers 2xx', async () => {
    const line = await postSummary(`${ok.url}/hooks/T0KEN?x=1`, '{"status":"applied"}', '1.2.3');
    expect(line).toBeNull();
    expect(received).toEqual([{
      method: 'POST', url: '/hooks/T0KEN?x=1', body: '{"status":"applied"}',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'user-agent': 'gppart/1.2.3' }),
    }]);
  });

  it('never throws: an error status, a refused connection, silence and a bad URL each give one line naming only the origin', async () => {
    expect(await postSummary(`${failing.url}/hooks/T0KEN`, '{}', '1')).toBe(
      `gppart: the notification to ${failing.url} was answered 500 Internal Server Error (the run is unaffected)`,
    );
    expect(await postSummary(`${closedPort}/hooks/T0KEN`, '{}', '1')).toBe(`gppart: could not notify ${closedPort}: ECONNREFUSED (the run is unaffected)`);
    expect(await postSummary(`${silent.url}/hooks/T0KEN`, '{}', '1', 300)).toBe(`gppart: could not notify ${silent.url}: no answer within 0.3 s (the run is unaffected)`);
    expect(await postSummary('hooks.example.com/T0KEN', '{}', '1')).toBe('gppart: GPPART_NOTIFY_URL is not an http(s) URL; no notification was sent (the run is unaffected)');
    expect(await postSummary('file:///etc/passwd', '{}', '1')).toMatch(/not an http\(s\) URL/);
  });
});

describe('runSummary', () => {
  const plan = {
    now: '2026-11-25', server: { database: 'dwh', dialect: 'postgres' },
    tables: [
      { table: 'sales.orders', steps: [{}, {}, {}] },
      { table: 'sales.events', steps: [{}, {}] },
      { table: 'sales.quiet', steps: [] },
    ],
  } as unknown as Plan;
  const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 1, 0, s));
  const base = { version: '1', planHash: 'p'.repeat(64), policy: { file: 'gppart.yaml', sha256: 'h'.repeat(64) }, client: 'etl@host', startedAt: at(0), finishedAt: at(42) };

  it('counts what happened per table and in all', () => {
    const result = {
      applyId: 17, status: 'partial', snapshotFiles: [], replan: plan,
      outcomes: [
        { table: 'sales.orders', kind: 'drop', status: 'done', rows: 10, ms: 5 },
        { table: 'sales.orders', kind: 'merge', status: 'failed', rows: 0, ms: 5, error: 'rows differ' },
        { table: 'sales.orders', kind: 'split', status: 'skipped', rows: 0, ms: 0 },
        { table: 'sales.events', kind: 'split', status: 'done', rows: 5, ms: 5 },
        { table: 'sales.events', kind: 'split', status: 'deferred', rows: 0, ms: 0 },
      ],
    } as unknown as ApplyResult;
    const s = runSummary({ ...base, status: 'failed', exitCode: 1, plan, result, message: null });
    expect(s).toEqual({
      tool: 'gppart', version: '1', event: 'apply', status: 'failed', exit_code: 1, apply_id: 17, database: 'dwh', dialect: 'postgres',
      policy: base.policy, plan_sha256: base.planHash, now: '2026-11-25', client: 'etl@host',
      started_at: '2026-11-25T01:00:00.000Z', finished_at: '2026-11-25T01:00:42.000Z', duration_ms: 42_000,
      steps: { planned: 5, done: 2, failed: 1, interrupted: 0, skipped: 1, deferred: 1, refused: 0 }, rows: 15,
      tables: [
        { table: 'sales.orders', planned: 3, done: 1, failed: 1, interrupted: 0, skipped: 1, deferred: 0, refused: 0, rows: 10, errors: ['rows differ'] },
        { table: 'sales.events', planned: 2, done: 1, failed: 0, interrupted: 0, skipped: 0, deferred: 1, refused: 0, rows: 5, errors: [] },
      ],
      message: null,
    });
  });

  it('a refused apply refuses every planned step', () => {
    const s = runSummary({ ...base, status: 'refused', exitCode: 4, plan, result: null, message: 'the plan has 1 destructive step(s)' });
    expect(s.steps).toEqual({ planned: 5, done: 0, failed: 0, interrupted: 0, skipped: 0, deferred: 0, refused: 5 });
    expect(s.apply_id).toBeNull();
    expect(s.message).toBe('the plan has 1 destructive step(s)');
    expect(worthNotifying('refused') && worthNotifying('applied') && worthNotifying('failed') && worthNotifying('busy')).toBe(true);
    expect(worthNotifying('nothing-to-do')).toBe(false);
  });
});
