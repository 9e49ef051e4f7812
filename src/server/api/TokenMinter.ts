// Mints tokens and records them (id, room, role, expiry, label) so that they can be listed and revoked;
// answers with the URL of the page the token opens.
import type { MintedToken, TokenRole } from '../../contracts/roles.js';
import type { TokenIssuer } from '../../auth/tokens.js';
import type { Store } from '../../store/Store.js';

export function pageUrl(baseUrl: string, room: string, role: TokenRole, token: string): string {
  const r = encodeURIComponent(room);
  const t = encodeURIComponent(token);
  if (role === 'publish') return `${baseUrl}/room/${r}?token=${t}`;
  return `${baseUrl}/${role === 'overlay' ? 'overlay' : 'dashboard'}?room=${r}&token=${t}`;
}

export class TokenMinter {
  readonly #tokens: TokenIssuer;
  readonly #store: Store;
  readonly #baseUrl: () => string;

  constructor(tokens: TokenIssuer, store: Store, baseUrl: () => string) {
    this.#tokens = tokens;
    this.#store = store;
    this.#baseUrl = baseUrl;
  }

  mint(room: string, role: TokenRole, ttlMs: number, label?: string): MintedToken {
    const { token, claims } = this.#tokens.mint(room, role, ttlMs);
    this.#store.recordToken({ id: claims.jti, room, role, expiresAt: claims.exp * 1000, label });
    return {
      id: claims.jti,
      token,
      room,
      role,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      url: pageUrl(this.#baseUrl(), room, role, token),
    };
  }
}
