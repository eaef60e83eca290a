import { gzipSync } from 'node:zlib';
import {
  type DeviceKeyPair,
  generateDeviceKeyPair,
  newDeviceId,
  type Op,
  type PushResponse,
  type Session,
  signRequest,
} from '@kakeibo/core';

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
  /** Bytes of the response body as received (after any Content-Encoding was undone by fetch). */
  bytes: number;
}

/** Where a request's time went on the client: building and signing it, then waiting for the answer. */
export interface RequestTiming {
  prepareMs: number;
  roundTripMs: number;
}

/**
 * A device talking to the server the way the real client will: its own key pair, every request
 * signed (RFC 9421, Content-Digest over the body as sent), the access token covered by the signature.
 * Deliberately small; it imports nothing from the server's tests.
 */
export class BenchDevice {
  session: Session | null = null;

  private constructor(
    readonly baseUrl: string,
    readonly keys: DeviceKeyPair,
    readonly id: string,
    readonly name: string,
  ) {}

  static async create(baseUrl: string, name = 'Bench device', id = newDeviceId()): Promise<BenchDevice> {
    return new BenchDevice(baseUrl, await generateDeviceKeyPair(), id, name);
  }

  registration() {
    return { id: this.id, name: this.name, platform: 'bench', publicKey: this.keys.publicKeyJwk };
  }

  async request<T>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body?: unknown,
    options: { gzip?: boolean; token?: string | null; timing?: RequestTiming } = {},
  ): Promise<Reply<T>> {
    const started = performance.now();
    const mark = pathAndQuery.indexOf('?');
    const path = mark === -1 ? pathAndQuery : pathAndQuery.slice(0, mark);
    const query = mark === -1 ? '' : pathAndQuery.slice(mark);
    const headers: Record<string, string> = {};
    let payload: string | Buffer = body === undefined ? '' : JSON.stringify(body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.gzip && body !== undefined) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    const token = options.token === undefined ? this.session?.accessToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const signed = await signRequest(
      {
        method,
        path,
        query,
        body: typeof payload === 'string' ? payload : new Uint8Array(payload),
        ...(token ? { authorization: headers.authorization } : {}),
      },
      { privateKey: this.keys.privateKey, alg: this.keys.alg, keyId: this.id },
    );
    Object.assign(headers, signed);
    const sent = performance.now();
    const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: payload } : {}),
    });
    const text = await response.text();
    if (options.timing) {
      options.timing.prepareMs += sent - started;
      options.timing.roundTripMs += performance.now() - sent;
    }
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : {}) as T,
      bytes: Buffer.byteLength(text),
    };
  }

  private async authenticate(
    path: string,
    email: string,
    password: string,
    expected: number,
  ): Promise<Session> {
    const reply = await this.request<Session>(
      'POST',
      path,
      { email, password, device: this.registration() },
      { token: null },
    );
    if (reply.status !== expected) {
      throw new Error(`${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    }
    this.session = reply.body;
    return reply.body;
  }

  signUp(email: string, password: string): Promise<Session> {
    return this.authenticate('/v1/auth/signup', email, password, 201);
  }

  signIn(email: string, password: string): Promise<Session> {
    return this.authenticate('/v1/auth/signin', email, password, 200);
  }

  /** A sign-in expected to fail (wrong password or unknown email): only its status is of interest. */
  async signInAttempt(email: string, password: string): Promise<number> {
    const reply = await this.request(
      'POST',
      '/v1/auth/signin',
      { email, password, device: this.registration() },
      { token: null },
    );
    return reply.status;
  }

  async push(ops: readonly Op[], timing?: RequestTiming): Promise<PushResponse> {
    const reply = await this.request<PushResponse>(
      'POST',
      '/v1/sync/push',
      { ops },
      { gzip: true, ...(timing ? { timing } : {}) },
    );
    if (reply.status !== 200)
      throw new Error(`push answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 500)}`);
    return reply.body;
  }
}

export const BENCH_PASSWORD = 'bench horse battery staple';
let emails = 0;
export const benchEmail = (tag: string) =>
  `bench.${tag}.${process.pid}.${Date.now()}.${++emails}@example.com`;
