// How long a client may take, and how many may be connected at once: a client that sends its
// headers or its body slowly, or holds an idle keep-alive connection, cannot hold a socket for
// long, and no number of them can take every file descriptor.
export interface ConnectionLimits {
  /** From the connection (or the last request) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From the start of a request to the end of its body; the answer's own time does not count. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above (its default, 30 s, would add up to 30 s to them). */
  checkIntervalMs: number;
  /** Connections open at once; past it a new connection is closed at once (MCPEMAILS_MAX_CONNECTIONS). */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  // The largest valid body (transport.max_body_bytes, about 17 MB) at 4 Mbit/s.
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
  maxConnections: 1_024,
};
