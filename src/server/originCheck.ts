// Which browser pages may open the server's sockets. Browsers send Origin on every WebSocket handshake and a
// page cannot forge it, so checking it stops a page on another site from riding a user's meeting link
// (cross-site WebSocket hijacking). Clients that are not browsers (OBS plugins, scripts) send no Origin and
// are judged by their token alone.
import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** The server's own public base URL, when configured (clients reach it by that name). */
  publicUrl?: string | undefined;
  /** Further origins allowed by configuration (server.allowedOrigins). */
  allowedOrigins: readonly string[];
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** True when the request carries no Origin, or one of the server's own origin or the configured ones. */
export function originAllowed(request: Pick<IncomingMessage, 'headers'>, policy: OriginPolicy): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  const given = originOf(origin);
  if (!given) return false;
  const host = request.headers.host;
  // Same origin as the page that was served by this very server, under whatever name the client used.
  if (typeof host === 'string' && (given === `http://${host}` || given === `https://${host}`)) return true;
  if (policy.publicUrl && given === originOf(policy.publicUrl)) return true;
  return policy.allowedOrigins.some((allowed) => originOf(allowed) === given);
}
