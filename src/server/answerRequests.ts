// The request side of a socket.io namespace: every message that carries an ack is a request, answered by
// exactly one Ack. The event name is the client's too (a number, or a name we do not serve, is an unknown
// request); a handler's AffectcastError is the client's mistake, answered with its code and logged at warn
// once per connection (then at debug), anything else is ours: INTERNAL, logged at error.
import type { Socket } from 'socket.io';
import type { Ack } from '../contracts/ack.js';
import { AffectcastError, type ErrorPayload } from '../contracts/errors.js';
import type { Logger } from '../log/logger.js';

/** Handlers by request name; each gets the request's payload (undefined when the client sent none). */
export type RequestHandlers = Readonly<Record<string, (data: unknown) => unknown>>;

export function answerRequests(
  socket: Socket,
  handlers: RequestHandlers,
  log: Logger,
  /** ordered: one request at a time, in arrival order (a later one may depend on an earlier one). */
  options: { ordered?: boolean } = {},
): void {
  let queue: Promise<void> = Promise.resolve();
  let warned = false;
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') return;
    const reply = ack as (a: Ack<unknown>) => void;
    const name = String(event).slice(0, 64);
    const handler = typeof event === 'string' && Object.hasOwn(handlers, event) ? handlers[event] : undefined;
    const answer = async (): Promise<void> => {
      try {
        if (!handler) throw new AffectcastError('UNKNOWN_REQUEST', `no such request: ${name}`);
        reply({ ok: true, data: await handler(args.length >= 2 ? args[0] : undefined) });
      } catch (error) {
        const payload: ErrorPayload = error instanceof AffectcastError ? error.toPayload() : { code: 'INTERNAL', message: 'internal error' };
        if (payload.code === 'INTERNAL') log.error({ err: error, event: name }, 'request failed');
        else if (!warned) {
          warned = true;
          log.warn({ code: payload.code, event: name }, 'request refused (further refusals on this connection at debug)');
        } else log.debug({ code: payload.code, event: name }, 'request refused');
        reply({ ok: false, error: payload });
      }
    };
    if (options.ordered) queue = queue.then(answer);
    else void answer();
  });
}
