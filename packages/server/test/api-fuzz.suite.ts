import { uuidv7 } from '@kakeibo/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzRequest, type Operation, operationsOf, requestsFor } from './support/fuzz/requests.js';
import {
  type AdapterName,
  exampleExpense,
  PASSWORD,
  type Reply,
  startTestServer,
  TestDevice,
  type TestServer,
  uniqueEmail,
} from './support/index.js';

/**
 * A property-based fuzzer over every operation of the served OpenAPI document: requests built from
 * each operation's own schemas (body, query, path), then mutated (wrong types, missing and unknown
 * fields, boundary numbers, huge strings, U+0000, deep nesting, bodies that are not JSON), signed
 * as a session or missing a part of it. No answer may be a 5xx; every refusal is problem+json with
 * a stable code; and the server is healthy afterwards. KAKEIBO_FUZZ_RUNS sets the cases per operation.
 */

const RUNS = Number(process.env.KAKEIBO_FUZZ_RUNS ?? 30);
const CODE = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
/** Operations that can end the fuzzing device's session when a case happens to be valid. */
const SESSION_ENDING = /^\/v1\/(auth\/(signout|password)|account\/delete|devices\/revoke|batch)$/;

export function apiFuzzSuite(kind: AdapterName): void {
  describe(`every OpenAPI operation under fuzzed requests (${kind})`, () => {
    let server: TestServer;
    let operations: Operation[];
    let device: TestDevice;
    const failures: string[] = [];
    /** Which operations answered 2xx at least once, and which codes the refusals carried. */
    const accepted = new Set<string>();
    const codes = new Set<string>();

    const signedUp = async () => {
      const d = await TestDevice.create(server.url);
      expect((await d.signUp(uniqueEmail('fuzz'), PASSWORD)).status).toBe(201);
      return d;
    };

    beforeAll(async () => {
      server = await startTestServer(kind, { loginLimits: { failuresPerAccount: 10_000 } });
      const reply = await fetch(`${server.url}/v1/openapi.json`);
      operations = operationsOf(await reply.json());
      device = await signedUp();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('reads every route from the served document', () => {
      const served = new Set(operations.map((o) => `${o.method} ${o.path}`));
      for (const expected of [
        'POST /v1/auth/signup',
        'POST /v1/sync/push',
        'GET /v1/expenses/{id}',
        'POST /v1/batch',
      ]) {
        expect(served).toContain(expected);
      }
      expect(operations.length).toBeGreaterThanOrEqual(25);
    });

    /** Sends one case; returns what is wrong with the answer, or null. */
    async function send(operation: Operation, request: FuzzRequest): Promise<string | null> {
      // Sign-up and sign-in are signed by the key they register: a fresh device, as a real one.
      const sender = request.target.startsWith('/v1/auth/sign')
        ? await TestDevice.create(server.url)
        : device;
      let reply: Reply<Record<string, unknown>>;
      try {
        reply = await sender.request(request.method, request.target, request.body, {
          ...(request.credentials === 'unsigned' && { unsigned: true }),
          ...(request.credentials === 'no-token' && { token: null }),
        });
      } catch (error) {
        return `no JSON answer: ${(error as Error).message}`;
      }
      if (reply.status < 300) accepted.add(`${operation.method} ${operation.path}`);
      if (typeof reply.body.code === 'string') codes.add(reply.body.code);
      if (reply.status >= 500) return `status ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`;
      if (reply.status >= 400) {
        if (!reply.headers.get('content-type')?.startsWith('application/problem+json')) {
          return `status ${reply.status} without problem+json`;
        }
        if (typeof reply.body.code !== 'string' || !CODE.test(reply.body.code)) {
          return `status ${reply.status} without a stable code: ${JSON.stringify(reply.body).slice(0, 200)}`;
        }
        if (reply.body.status !== reply.status)
          return `problem status ${reply.body.status} ≠ ${reply.status}`;
      }
      const results = (reply.body as { results?: Array<{ status: number }> }).results;
      const inner = Array.isArray(results) ? results.find((r) => r.status >= 500) : undefined;
      if (inner) return `a batch call answered ${inner.status}`;
      return null;
    }

    /** After a case that may have ended the session (signed out, revoked, deleted), a fresh account. */
    async function keepSignedIn(request: FuzzRequest) {
      if (!SESSION_ENDING.test(request.target.split('?')[0] as string)) return;
      const probe = await device.request('GET', '/v1/devices');
      if (probe.status !== 200) device = await signedUp();
    }

    it('never answers 5xx, and refuses with problem+json and a stable code', {
      timeout: 600_000,
    }, async () => {
      for (const operation of operations) {
        const seeds = seedBodies(operation, device);
        await fc.assert(
          fc.asyncProperty(requestsFor(operation, seeds), async (request) => {
            const wrong = await send(operation, request);
            await keepSignedIn(request);
            if (wrong) {
              failures.push(`${request.method} ${request.target.slice(0, 200)}: ${wrong}`);
              throw new Error(wrong);
            }
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      }
      expect(failures).toEqual([]);
      // The cases reached past the signature check into the routes, valid and refused alike.
      expect(accepted.size).toBeGreaterThanOrEqual(10);
      for (const code of [
        'validation.failed',
        'request.invalid_json',
        'signature.missing',
        'auth.missing_token',
      ]) {
        expect(codes).toContain(code);
      }
    });

    it('is healthy afterwards: health, a push applied, read back and pulled past', async () => {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const fresh = await signedUp();
      const op = fresh.op('expenses', uuidv7(), exampleExpense({ payee: 'After the fuzz' }));
      const push = await fresh.push([op]);
      expect(push.body.acks.map((a) => a.status)).toEqual(['applied']);
      const read = await fresh.request<{ id: string; payee: string }>('GET', `/v1/expenses/${op.rowId}`);
      expect(read.body).toMatchObject({ id: op.rowId, payee: 'After the fuzz' });
      const pull = await fresh.request<{ ops: unknown[]; nextCursor: number }>(
        'GET',
        '/v1/sync/pull?after=0',
      );
      expect(pull.body).toMatchObject({ ops: [], nextCursor: 1 });
    });
  });
}

/** Real bodies to mutate besides the schema's own: a push of a valid op, a batch of real calls. */
function seedBodies(operation: Operation, device: TestDevice): unknown[] {
  if (operation.path === '/v1/sync/push') {
    return [{ ops: [device.op('expenses', uuidv7(), exampleExpense())] }];
  }
  if (operation.path === '/v1/batch') {
    return [
      {
        calls: [
          { method: 'GET', path: '/v1/expenses?limit=2' },
          {
            method: 'POST',
            path: '/v1/sync/push',
            body: { ops: [device.op('income', uuidv7(), { amount: 1 })] },
          },
          { method: 'GET', path: `/v1/expenses/${uuidv7()}` },
        ],
      },
    ];
  }
  return [];
}
