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
import { defineCommand, type CommandArgs, type OptionTable } from './command.js';
import { configOptions, toConfigFlags } from './options.js';
import type { CliIo } from './terminal.js';

const OPTIONS = {
  room: { type: 'string', placeholder: 'NAME', help: 'the room the token is for (required to mint)' },
  role: { type: 'string', placeholder: TOKEN_ROLES.join('|'), help: 'what the token grants (required to mint)' },
  ttl: { type: 'string', placeholder: 'TTL', help: 'lifetime: a number and s, m, h or d; at most 366 days', shownDefault: '1d' },
  label: { type: 'string', placeholder: 'TEXT', help: 'a note kept with the token (who it is for)', shownDefault: 'none' },
  ...configOptions('data-dir', 'host', 'port', 'config'),
} as const satisfies OptionTable;

export const tokenCommand = defineCommand({
  name: 'token',
  synopsis: ['--room NAME --role ROLE [options]', 'revoke ID [options]'],
  summary: 'mint a token for a room and role (printed with its id and page URL); token revoke ID revokes one',
  description:
    "Mints a token with this data directory's key, records it so it can be revoked, and prints id:, expires:, token: " +
    "and url: lines on stdout. The URL's base is server.publicUrl, else http://HOST:PORT. `token revoke ID` revokes " +
    'a token by id; a running server refuses it from its next check.',
  options: OPTIONS,
  maxPositionals: 2,
  run: (args, io) => token(args, io),
});

function check<T>(parsed: { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } }, flag: string): T {
  if (parsed.success) return parsed.data;
  throw new AffectcastError('CONFIG_INVALID', `--${flag}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
}

async function token({ values, positionals }: CommandArgs<typeof OPTIONS>, io: CliIo): Promise<number> {
  const config = loadConfig(toConfigFlags({ ...values, room: undefined }));
  if (positionals[0] === 'revoke') {
    const id = positionals[1];
    if (!id) throw new AffectcastError('CONFIG_INVALID', 'usage: affectcast token revoke ID');
    const store = Store.open(config.dataDir);
    try {
      if (store.tokenRoom(id) === undefined) throw new AffectcastError('NOT_FOUND', `no token with id ${id} was minted with this data directory`);
      store.revokeToken(id);
    } finally {
      store.close();
    }
    io.stdout.write(`revoked ${id}\n`);
    return 0;
  }
  // The whole command line is checked before the data directory is touched.
  if (positionals.length > 0) throw new AffectcastError('CONFIG_INVALID', `unexpected argument '${positionals[0]}'`);
  if (values.room === undefined) throw new AffectcastError('CONFIG_INVALID', '--room is required');
  const room = check(RoomNameSchema.safeParse(values.room), 'room');
  const role = values.role as TokenRole | undefined;
  if (!role || !TOKEN_ROLES.includes(role)) throw new AffectcastError('CONFIG_INVALID', `--role: one of ${TOKEN_ROLES.join(', ')}`);
  const ttlMs = ttlToMs(check(TtlSchema.safeParse(values.ttl ?? '1d'), 'ttl'));
  if (ttlMs > MAX_TTL_MS) throw new AffectcastError('CONFIG_INVALID', '--ttl: at most 366 days');
  const store = Store.open(config.dataDir);
  try {
    const tokens = new TokenIssuer(loadOrCreateSecret(config.dataDir, config.auth.secret));
    const base = config.server.publicUrl?.replace(/\/$/, '') ?? `http://${hostForUrl(config.server.host)}:${config.server.port}`;
    const minted = new TokenMinter(tokens, store, () => base).mint(room, role, ttlMs, values.label);
    io.stdout.write(`id: ${minted.id}\nexpires: ${minted.expiresAt}\ntoken: ${minted.token}\nurl: ${minted.url}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** A wildcard listen address is no address to browse to: the URL names this host's loopback instead. */
function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
