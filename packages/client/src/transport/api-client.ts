import {
  type CryptoKey,
  KakeiboError,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  ProblemSchema,
  parseReply,
  ROUTES,
  type RouteBodyInput,
  type RouteParamsInput,
  type RouteQueryInput,
  type RouteResponse,
  type RouteSpec,
  routeUrl,
  type Session,
  type SignatureAlg,
  signRequest,
} from '@kakeibo/core';

/** The device's signing identity, kept in the local store. */
export interface DeviceIdentity {
  deviceId: string;
  alg: SignatureAlg;
  privateKey: CryptoKey;
}

export interface ApiClientOptions {
  serverUrl: string;
  identity: DeviceIdentity;
  /** Where the session lives (the encrypted local store); rotation is written back at once. */
  loadSession(): Promise<Session | null>;
  saveSession(session: Session | null): Promise<void>;
  /** Called when the server ended this device's session for good (revoked, signed out elsewhere). */
  onSignedOut?(code: string, message: string): void;
  /**
   * Called with how far this device's clock is ahead of the server's (negative: behind), each time an
   * answer's Date header tells it (to one second, plus the answer's travel time).
   */
  onClockOffset?(deviceAheadMs: number): void;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Compress request bodies and ask for compressed answers (default true). Over a network that saves
   * far more time than it costs; with the server on this machine there is no link to save bytes on,
   * only CPU to spend on both ends (a 100,000-row bootstrap is ~40 MB of JSON), so the Node SDK turns
   * it off for a loopback server. Browsers choose Accept-Encoding themselves: there it only stops
   * request gzip.
   */
  compression?: boolean;
}

/**
 * A call under way: `sent` settles once its request has been handed to the HTTP stack (or the call
 * failed before that), `reply` with the answer.
 */
export interface InFlight<T> {
  sent: Promise<void>;
  reply: Promise<T>;
}

const nothing = () => {};

/**
 * A call of one route of the core route table: its body, query and path values, and, where the
 * route's answer schema is not enough, a reader of its own (the snapshot and repair page parsers,
 * which also check every row).
 */
export interface CallInput<S extends RouteSpec, T> {
  body?: RouteBodyInput<S>;
  query?: RouteQueryInput<S>;
  params?: RouteParamsInput<S>;
  read?: (body: unknown) => T;
}

/** For calls whose answer is not used (sign-out): whatever came, nothing of it is read. */
export const IGNORE_REPLY = (): void => undefined;

/**
 * Reads an answer with the call's reader, or else the route's answer schema. A reply that fails its
 * schema is `sync.invalid_response` on the sync routes and `network.bad_response` elsewhere (auth,
 * devices, realtime tickets), naming the route.
 */
function readReply<T>(route: RouteSpec, read: ((body: unknown) => T) | undefined, json: unknown): T {
  if (read) return read(json);
  const code = route.path.startsWith('/v1/sync/') ? 'sync.invalid_response' : 'network.bad_response';
  return parseReply(route.response, json, `answer to ${route.method} ${route.path}`, code) as T;
}

/** A call as it goes out: the route's method, its concrete path and query, its body, its auth. */
interface Outgoing {
  route: RouteSpec;
  pathAndQuery: string;
  body: unknown;
}

/** Bodies above this size are sent gzip-compressed (the signed digest covers the compressed bytes). */
const GZIP_THRESHOLD = 8 * 1024;

/** Refresh the access token when it has less than this left, instead of waiting for a 401. */
const REFRESH_MARGIN_MS = 60_000;

/** Codes after which the session cannot be recovered by refreshing: the device must sign in again. */
const SESSION_ENDED = new Set([
  'auth.device_revoked',
  'auth.session_revoked',
  'auth.refresh_reused',
  'auth.refresh_expired',
  'auth.invalid_refresh_token',
  'auth.account_disabled',
]);

export const isSessionEnded = (code: string) => SESSION_ENDED.has(code);

/**
 * Every request to the server, signed with the device key (RFC 9421) and, for session calls, carrying
 * the access token. Refresh-token rotation happens here, invisible to callers: a token about to expire
 * is refreshed first (one refresh at a time, shared by concurrent calls), and an expired one once on 401.
 */
export class ApiClient {
  private refreshing: Promise<Session> | null = null;
  /**
   * Server clock minus device clock, learnt from the Date header of answers. Signatures must be
   * created within ±300 s of the server's time; a device whose clock is off still signs in-window.
   * (Stamps of changes keep the device clock: the server judges those separately, as clock drift.)
   */
  private serverOffsetMs = 0;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly compression: boolean;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.compression = options.compression ?? true;
  }

  /** The answer, read by the route's schema or the call's reader: nothing reaches the caller unchecked. */
  call<S extends RouteSpec, T = RouteResponse<S>>(route: S, input: CallInput<S, T> = {}): Promise<T> {
    return this.callNotifying(route, input, nothing);
  }

  /**
   * A call whose caller wants to know when the request is on its way, to do its own work while the
   * server answers. Awaiting `sent` first matters when that work is synchronous (the Node store writes
   * a whole page in one go): reading the session and signing take event-loop turns that such work
   * would otherwise hold up, so the request would only leave once the work was done.
   */
  start<S extends RouteSpec, T = RouteResponse<S>>(route: S, input: CallInput<S, T> = {}): InFlight<T> {
    let markSent = nothing;
    const sent = new Promise<void>((resolve) => {
      markSent = resolve;
    });
    const answer = this.callNotifying(route, input, markSent);
    answer.then(markSent, markSent);
    return { sent, reply: answer };
  }

  private async callNotifying<S extends RouteSpec, T>(
    route: S,
    input: CallInput<S, T>,
    onSent: () => void,
  ): Promise<T> {
    const outgoing: Outgoing = {
      route,
      pathAndQuery: routeUrl(
        route,
        input.params as Record<string, string> | undefined,
        input.query as Record<string, string | number | boolean | undefined> | undefined,
      ),
      body: input.body,
    };
    // Only session routes carry the access token; the others are signed by the device key alone.
    let session = route.auth === 'session' ? await this.activeSession() : null;
    let json: unknown;
    try {
      json = await this.send(outgoing, session?.accessToken, onSent);
    } catch (error) {
      if (!(session && error instanceof KakeiboError && error.code === 'auth.token_expired')) throw error;
      session = await this.refresh();
      json = await this.send(outgoing, session.accessToken, onSent);
    }
    return readReply(route, input.read, json);
  }

  private async activeSession(): Promise<Session> {
    const session = await this.options.loadSession();
    if (!session) throw new KakeiboError('auth.signed_out', 'This device is not signed in.');
    // Expiry is the server's time: judge it by the server's clock as best we know it.
    if (Date.parse(session.accessTokenExpiresAt) - (this.now() + this.serverOffsetMs) < REFRESH_MARGIN_MS) {
      return this.refresh();
    }
    return session;
  }

  /** One refresh at a time; a refresh whose answer is lost may be retried (the server allows it briefly). */
  refresh(): Promise<Session> {
    this.refreshing ??= (async () => {
      try {
        const current = await this.options.loadSession();
        if (!current) throw new KakeiboError('auth.signed_out', 'This device is not signed in.');
        const route = ROUTES.refresh;
        const body = { refreshToken: current.refreshToken };
        const next = readReply<Session>(
          route,
          undefined,
          await this.send({ route, pathAndQuery: route.path, body }),
        );
        await this.options.saveSession(next);
        return next;
      } catch (error) {
        if (error instanceof KakeiboError && isSessionEnded(error.code)) await this.endSession(error);
        throw error;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async endSession(error: KakeiboError) {
    await this.options.saveSession(null);
    this.options.onSignedOut?.(error.code, error.message);
  }

  private async send(
    outgoing: Outgoing,
    accessToken?: string,
    onSent: () => void = nothing,
  ): Promise<unknown> {
    try {
      return await this.sendOnce(outgoing, accessToken, onSent);
    } catch (error) {
      // Our clock was too far off for the signature window; the answer told us the server's time.
      if (error instanceof KakeiboError && error.code === 'signature.expired') {
        return this.sendOnce(outgoing, accessToken, onSent);
      }
      throw error;
    }
  }

  private learnServerTime(response: Response) {
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(date)) return;
    const offset = date - this.now();
    // The header has one-second precision: only follow it when it says something the window cares about.
    if (Math.abs(offset - this.serverOffsetMs) > 5_000) this.serverOffsetMs = offset;
    this.options.onClockOffset?.(-offset);
  }

  private async sendOnce(
    { route, pathAndQuery, body }: Outgoing,
    accessToken: string | undefined,
    onSent: () => void,
  ): Promise<unknown> {
    const { method } = route;
    const [path, search] = pathAndQuery.split('?') as [string, string?];
    const query = search ? `?${search}` : '';
    // Brotli where the runtime lets us ask (Node; browsers send their own list): on JSON it beats
    // gzip in both size and server CPU at the server's quality.
    const headers: Record<string, string> = {
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      accept: 'application/json',
      'accept-encoding': this.compression ? 'br, gzip' : 'identity',
    };
    let payload: Uint8Array | undefined;
    if (body !== undefined) {
      payload = new TextEncoder().encode(JSON.stringify(body));
      headers['content-type'] = 'application/json';
      if (this.compression && payload.length > GZIP_THRESHOLD) {
        payload = await gzip(payload);
        headers['content-encoding'] = 'gzip';
      }
    }
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const { deviceId, alg, privateKey } = this.options.identity;
    Object.assign(
      headers,
      await signRequest(
        {
          method,
          path,
          query,
          body: payload ?? '',
          ...(accessToken && { authorization: headers.authorization }),
        },
        { privateKey, alg, keyId: deviceId },
        { now: this.now() + this.serverOffsetMs },
      ),
    );
    let response: Response;
    try {
      const answer = this.fetchImpl(`${this.options.serverUrl}${path}${query}`, {
        method,
        headers,
        ...(payload && { body: payload }),
      });
      onSent();
      response = await answer;
    } catch (error) {
      throw new KakeiboError(
        'network.unreachable',
        `The server cannot be reached: ${(error as Error).message}.`,
      );
    }
    this.learnServerTime(response);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The connection died while the answer was arriving: nothing of it can be trusted or used.
      throw new KakeiboError(
        'network.unreachable',
        `The connection to the server was cut before its answer arrived: ${(error as Error).message}.`,
      );
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // A failure that is not JSON (a proxy's error page) is still its status, which callers act on.
      if (!response.ok) json = undefined;
      else {
        throw new KakeiboError(
          'network.bad_response',
          `The server answered ${response.status} with something that is not JSON.`,
        );
      }
    }
    if (!response.ok) {
      // A problem+json answer says what went wrong; anything else (a proxy's error page) is its status.
      const parsed = ProblemSchema.safeParse(json);
      const problem = parsed.success ? parsed.data : undefined;
      const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
      const error = new KakeiboError(
        problem?.code ?? `http.${response.status}`,
        problem?.detail ?? `The server answered ${response.status}.`,
        {
          status: response.status,
          head: number(problem?.head),
          retryAfterSeconds: number(problem?.retryAfterSeconds),
        },
      );
      if (accessToken && isSessionEnded(error.code)) await this.endSession(error);
      throw error;
    }
    return json;
  }
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
