// GET /healthz: is this process able to do its job right now (200 ok, 503 with the reason: starting, shutting
// down, no media worker running)? GET /readyz: can it take another room (healthy and under its limits)?
// Load balancers route new rooms by /readyz and restart processes by /healthz. GET /metrics: Prometheus text.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ModelExecution } from '../inference/execution.js';

export interface HealthStatus {
  state: 'starting' | 'ready' | 'shutting-down';
  profile: string;
  rooms: number;
  maxRooms: number;
  workers: number;
  decoders: number;
  maxDecoders: number;
  /** What runs each model of the profile: provider (after any fallback), intra-op threads, batching. */
  inference?: readonly ModelExecution[] | undefined;
}

/** Why the process cannot serve at all, or undefined when it can. */
function unhealthyReason(s: HealthStatus): string | undefined {
  if (s.state === 'starting') return 'starting';
  if (s.state === 'shutting-down') return 'shutting down';
  if (s.workers === 0) return 'no media worker is running (they are being restarted)';
  return undefined;
}

/** Why no new room can be taken, or undefined when one can. */
function notReadyReason(s: HealthStatus): string | undefined {
  const unhealthy = unhealthyReason(s);
  if (unhealthy) return unhealthy;
  if (s.rooms >= s.maxRooms) return `room limit reached (${s.maxRooms})`;
  if (s.decoders >= s.maxDecoders) return `decoder limit reached (${s.maxDecoders})`;
  return undefined;
}

export function registerHealth(app: FastifyInstance, metrics: { registry: Registry }, status: () => HealthStatus): void {
  const startedAt = Date.now();
  const answer = (reason: (s: HealthStatus) => string | undefined) => (_req: unknown, reply: import('fastify').FastifyReply) => {
    const s = status();
    const why = reason(s);
    return reply
      .code(why ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({
        status: why ? 'unavailable' : 'ok',
        ...(why ? { reason: why } : {}),
        profile: s.profile,
        rooms: s.rooms,
        workers: s.workers,
        decoders: s.decoders,
        ...(s.inference ? { inference: s.inference } : {}),
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
      });
  };
  app.get('/healthz', answer(unhealthyReason));
  app.get('/readyz', answer(notReadyReason));
  app.get('/metrics', async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
