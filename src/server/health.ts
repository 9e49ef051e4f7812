// GET /healthz (200 with a small JSON status once ready, 503 before) and GET /metrics (Prometheus text).
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

export interface HealthStatus {
  ready: boolean;
  profile: string;
  rooms: number;
}

export function registerHealth(app: FastifyInstance, metrics: Metrics, status: () => HealthStatus): void {
  const startedAt = Date.now();
  app.get('/healthz', (_req, reply) => {
    const s = status();
    return reply
      .code(s.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: s.ready ? 'ok' : 'starting', profile: s.profile, rooms: s.rooms, uptimeS: Math.round((Date.now() - startedAt) / 1000) });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
