// `affectcast token --room R --role overlay --ttl 1d [--label TEXT]`: mints a token with this data directory's
// secret, records it (so it can be revoked) and prints its id and page URL.
// `affectcast token revoke ID`: revokes a token by id; a running server refuses it from its next check.
import { loadConfig } from '../config/loadConfig.js';
import { AffectcastError } from '../contracts/errors.js';
import { MAX_TTL_MS, RoomNameSchema, TOKEN_ROLES, TtlSchema, ttlToMs, type TokenRole } from '../contracts/roles.js';
import { loadOrCreateSecret } from '../auth/secret.js';
import { TokenIssuer } from '../auth/tokens.js';
import { TokenMinter } from '../server/api/TokenMinter.js';
import { Store } from '../store/Store.js';
import { CONFIG_OPTIONS, parseCommandArgs, toConfigFlags } from './options.js';

const OPTIONS = { ...CONFIG_OPTIONS, role: { type: 'string' }, ttl: { type: 'string' }, label: { type: 'string' } } as const;

function check<T>(parsed: { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } }, flag: string): T {
  if (parsed.success) return parsed.data;
  throw new AffectcastError('CONFIG_INVALID', `--${flag}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
}

export async function tokenCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  const config = loadConfig(toConfigFlags(values));
  const store = Store.open(config.dataDir);
  try {
    if (positionals[0] === 'revoke') {
      const id = positionals[1];
      if (!id || positionals.length > 2) throw new AffectcastError('CONFIG_INVALID', 'usage: affectcast token revoke ID');
      if (store.tokenRoom(id) === undefined) throw new AffectcastError('NOT_FOUND', `no token with id ${id} was minted with this data directory`);
      store.revokeToken(id);
      process.stdout.write(`revoked ${id}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new AffectcastError('CONFIG_INVALID', `unexpected argument '${positionals[0]}'`);
    if (values.room === undefined) throw new AffectcastError('CONFIG_INVALID', '--room is required');
    const room = check(RoomNameSchema.safeParse(values.room), 'room');
    const role = values.role as TokenRole | undefined;
    if (!role || !TOKEN_ROLES.includes(role)) throw new AffectcastError('CONFIG_INVALID', `--role: one of ${TOKEN_ROLES.join(', ')}`);
    const ttlMs = ttlToMs(check(TtlSchema.safeParse(values.ttl ?? '1d'), 'ttl'));
    if (ttlMs > MAX_TTL_MS) throw new AffectcastError('CONFIG_INVALID', '--ttl: at most 366 days');
    const tokens = new TokenIssuer(loadOrCreateSecret(config.dataDir, config.auth.secret));
    const base = config.server.publicUrl?.replace(/\/$/, '') ?? `http://${config.server.host}:${config.server.port}`;
    const minted = new TokenMinter(tokens, store, () => base).mint(room, role, ttlMs, values.label);
    process.stdout.write(`id: ${minted.id}\nexpires: ${minted.expiresAt}\ntoken: ${minted.token}\nurl: ${minted.url}\n`);
    return 0;
  } finally {
    store.close();
  }
}
