import { gzipSync } from 'node:zlib';
import {
  buildOp,
  type DeviceKeyPair,
  generateDeviceKeyPair,
  HybridClock,
  newDeviceId,
  type Op,
  type RowState,
  type Session,
  type SignatureAlg,
  signRequest,
  type TableName,
} from '@kakeibo/core';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Send the access token (default: when signed in). */
  token?: string | null;
  gzip?: boolean;
  /** Change the request after signing (tampering tests). */
  tamper?: (req: { path: string; body: string | Buffer; headers: Record<string, string> }) => void;
  /** Reuse exactly these signature headers (replay tests). */
  replay?: Record<string, string>;
  headers?: Record<string, string>;
  /** Send to another server instance than the one the device was made for. */
  baseUrl?: string;
}

/**
 * A device as the real client will be: its own key pair, its own HLC, and every request signed
 * (RFC 9421) over real HTTP. Tests drive the server only through this, never through internals.
 */
export class TestDevice {
  readonly id = newDeviceId();
  readonly clock: HybridClock;
  session: Session | null = null;
  lastSigned: Record<string, string> = {};

  private constructor(
    readonly baseUrl: string,
    readonly keys: DeviceKeyPair,
    readonly name: string,
    now?: () => number,
  ) {
    this.clock = new HybridClock(this.id, now ? { now } : {});
  }

  static async create(baseUrl: string, opts: { alg?: SignatureAlg; name?: string; now?: () => number } = {}) {
    return new TestDevice(
      baseUrl,
      await generateDeviceKeyPair(opts.alg),
      opts.name ?? 'Test phone',
      opts.now,
    );
  }

  registration() {
    return { id: this.id, name: this.name, platform: 'test', publicKey: this.keys.publicKeyJwk };
  }

  async request<T = Record<string, unknown>>(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply<T>> {
    const [path, search] = pathAndQuery.split('?') as [string, string?];
    const query = search === undefined ? '' : `?${search}`;
    let payload: string | Buffer =
      body === undefined
        ? ''
        : typeof body === 'string' || Buffer.isBuffer(body)
          ? body
          : JSON.stringify(body);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    if (options.gzip) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    const token = options.token === undefined ? this.session?.accessToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.replay) Object.assign(headers, options.replay);
    else if (!options.unsigned) {
      const signed = await signRequest(
        {
          method,
          path,
          query,
          body: typeof payload === 'string' ? payload : new Uint8Array(payload),
          ...(token && { authorization: headers.authorization }),
        },
        { privateKey: this.keys.privateKey, alg: this.keys.alg, keyId: this.id },
      );
      this.lastSigned = { ...signed };
      Object.assign(headers, signed);
    }
    const req = { path: `${path}${query}`, body: payload, headers };
    options.tamper?.(req);
    const response = await fetch(`${options.baseUrl ?? this.baseUrl}${req.path}`, {
      method,
      headers: req.headers,
      ...(method !== 'GET' && method !== 'HEAD' && { body: req.body }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  }

  async signUp(email: string, password: string): Promise<Reply> {
    const reply = await this.request(
      'POST',
      '/v1/auth/signup',
      { email, password, device: this.registration() },
      { token: null },
    );
    if (reply.status === 201) this.session = reply.body as unknown as Session;
    return reply;
  }

  async signIn(email: string, password: string): Promise<Reply> {
    const reply = await this.request(
      'POST',
      '/v1/auth/signin',
      { email, password, device: this.registration() },
      { token: null },
    );
    if (reply.status === 200) this.session = reply.body as unknown as Session;
    return reply;
  }

  async refresh(refreshToken = this.session?.refreshToken): Promise<Reply> {
    const reply = await this.request('POST', '/v1/auth/refresh', { refreshToken }, { token: null });
    if (reply.status === 200) this.session = reply.body as unknown as Session;
    return reply;
  }

  /** An op as the real client makes it: the device's own stamp and the replaced stamps it knows. */
  op(table: TableName, rowId: string, fields: Op['fields'], current?: RowState): Op {
    return buildOp(this.clock, table, rowId, fields, current);
  }

  push(ops: readonly Op[], options?: RequestOptions) {
    return this.request<PushReply>('POST', '/v1/sync/push', { ops }, options);
  }
}

export interface PushReply {
  acks: Array<{ opId: string; status: string; seq?: number; error?: { code: string; message: string } }>;
  conflicts: Array<Record<string, unknown>>;
  head: number;
}

let counter = 0;
export const uniqueEmail = (tag = 'user') => `${tag}.${process.pid}.${Date.now()}.${++counter}@example.com`;
export const PASSWORD = 'correct horse battery staple';
