/**
 * How long a connection may take, so that slow or silent clients cannot hold the server's sockets
 * (slowloris: headers or a body trickled a byte at a time, or a connection opened and left idle).
 * A request past its limit is answered 408 and its connection closed. See docs/OPERATIONS.md.
 */
export interface HttpTimeouts {
  /** All of a request's headers must arrive within this. */
  headersMs: number;
  /** The whole request, body included, must arrive within this (a 4 MiB push on a slow link fits). */
  requestMs: number;
  /**
   * An idle keep-alive connection is closed after this; above the usual 60 s idle timeout of load
   * balancers, so they close first and never send a request on a connection the server is closing.
   */
  keepAliveMs: number;
  /** How often the limits above are checked (Node checks all connections on this interval). */
  checkEveryMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = Object.freeze({
  headersMs: 20_000,
  requestMs: 60_000,
  keepAliveMs: 65_000,
  checkEveryMs: 5_000,
});

/** The Fastify options that set them (Node's http server options, for HTTP and HTTPS alike). */
export function timeoutOptions(timeouts: HttpTimeouts) {
  const server = { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs };
  return { requestTimeout: timeouts.requestMs, keepAliveTimeout: timeouts.keepAliveMs, server };
}
