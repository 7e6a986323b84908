// How much of the machine one web host may be made to hold: connections, event sockets and the time a request may
// take to arrive (a client trickling headers or a body is cut off, not waited for). See docs/security.md.
import type { Server } from 'node:http';

export interface HostLimits {
  /** Open TCP connections; past this, new ones are closed at once. */
  maxConnections: number;
  /** Open /api/events WebSockets (a console tab holds one); past this an upgrade gets 503. */
  maxEventSockets: number;
  /** From connection to the end of the request headers. */
  headersTimeoutMs: number;
  /** From connection to the end of the request body (uploads included). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = {
  maxConnections: 128,
  maxEventSockets: 16,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
};

/** Node checks the two request timeouts on this period; a quarter of the shorter one keeps the cut-off close. */
export function checkingIntervalMs(limits: HostLimits): number {
  return Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

export function applyLimits(server: Server, limits: HostLimits): void {
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // The headers of one request and how many there may be; the JSON and upload bodies have caps of their own.
  server.maxHeadersCount = 64;
}
