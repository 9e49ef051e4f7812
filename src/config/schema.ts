// The whole configuration, validated once at boot (loadConfig) and then frozen. Defaults are safe:
// loopback only, tokens required, no video stored.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ROOM_PURPOSES } from '../contracts/consent.js';
import { AlertRulesSchema } from '../contracts/session.js';

const port = z.number().int().min(0).max(65535);
const portRange = z
  .object({ min: port, max: port })
  .strict()
  .refine((r) => r.min < r.max, { message: 'min must be below max' });

/**
 * The address to announce when none is configured: a wildcard listen address (0.0.0.0, ::) is no address a
 * browser can send to, so loopback stands in for it (browsers on this host, or on a container's host through
 * its published ports, reach it); any other listen address is announced as it is.
 */
export function announcedAddressFor(listenIp: string): string {
  if (listenIp === '0.0.0.0') return '127.0.0.1';
  if (listenIp === '::') return '::1';
  return listenIp;
}

const executionProvider = z.enum(['cpu', 'cuda', 'webgpu']);
const modelId = z.string().max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'a model id, as in its manifest');

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

export const ConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(8080),
        /** Base of the URLs printed at start-up, when clients reach the server by another name (proxy, LAN address). */
        publicUrl: z.url().optional(),
        /**
         * Browser origins (scheme://host[:port]) besides the server's own that may open its sockets. A WebSocket
         * upgrade from any other Origin is refused: a page elsewhere cannot ride a user's link.
         */
        allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], no path')).max(64).default([]),
        /** REST requests per IP per minute (@fastify/rate-limit). */
        rateLimitPerMinute: z.number().int().min(1).max(100_000).default(600),
        /** Refused tokens per IP per minute before that IP is refused everything (429) for the rest of the minute. */
        tokenFailuresPerMinute: z.number().int().min(1).max(10_000).default(20),
      })
      .strict()
      .prefault({}),
    /** Room whose meeting, overlay and dashboard URLs `serve` prints. */
    room: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'room names use letters, digits, _ and - (at most 64)')
      .default('demo'),
    dataDir: z.string().min(1).default(path.join(os.homedir(), '.local', 'state', 'affectcast')),
    auth: z
      .object({
        /** HMAC key for tokens. Without one, a random key is created once and kept in dataDir (mode 0600). */
        secret: z.string().min(32, 'the token secret needs at least 32 characters').optional(),
        tokenTtlHours: z.number().positive().max(24 * 366).default(24 * 30),
      })
      .strict()
      .prefault({}),
    sfu: z
      .object({
        workers: z.number().int().min(1).max(64).default(Math.max(1, os.availableParallelism())),
        /** Address the WebRTC transports listen on; loopback unless configured. */
        listenIp: z.string().min(1).default('127.0.0.1'),
        /**
         * Address announced to browsers in ICE candidates (the host's address behind NAT or a container). Unset:
         * listenIp itself, or loopback when listenIp is a wildcard (see announcedAddressFor).
         */
        announcedAddress: z.string().min(1).optional(),
        rtcPorts: portRange.default({ min: 40000, max: 49999 }),
        logLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
      })
      .strict()
      .transform((sfu) => ({ ...sfu, announcedAddress: sfu.announcedAddress ?? announcedAddressFor(sfu.listenIp) }))
      .prefault({}),
    /**
     * What one participant, one room and the whole server may allocate. Past a limit the request is refused
     * with LIMIT_REACHED and nothing else changes. The defaults fit a meeting page (one send and one receive
     * transport; camera, microphone, screen) with headroom, and a 2-core machine's decoders.
     */
    limits: z
      .object({
        transportsPerPeer: z.number().int().min(1).max(64).default(4),
        producersPerPeer: z.number().int().min(1).max(32).default(4),
        consumersPerPeer: z.number().int().min(1).max(1024).default(96),
        peersPerRoom: z.number().int().min(1).max(1000).default(25),
        rooms: z.number().int().min(1).max(10_000).default(50),
        /** ffmpeg decoders (one per forked producer that sends media) on this server. */
        decoders: z.number().int().min(1).max(1024).default(48),
        /** Recordings analysed at once from dashboards (/file), and the most frames one may send (1 h at 10 fps). */
        fileUploads: z.number().int().min(0).max(64).default(2),
        fileFrames: z.number().int().min(1).max(1_000_000).default(36_000),
      })
      .strict()
      .prefault({}),
    analyzer: z
      .object({
        /** Frames analysed per second per video stream; the decoder drops the rest before they reach Node. */
        fps: z.number().min(0.5).max(30).default(10),
        /** Longest side of decoded frames (aspect ratio kept). */
        maxSide: z.number().int().min(128).max(1920).default(640),
        /** UDP ports for the decoders' RTP/RTCP pairs; keep them outside sfu.rtcPorts. */
        decoderPorts: portRange.default({ min: 50000, max: 59999 }),
        minFaceScore: z.number().min(0).max(1).default(0.6),
        /** Faces analysed per stream, largest first. */
        maxFaces: z.number().int().min(1).max(32).default(8),
        /**
         * Between detections each face is followed by its previous frame's landmarks; the detector also runs
         * every this many analysed frames to find newcomers (and whenever a face is lost or none is tracked).
         */
        detectEveryFrames: z.number().int().min(1).max(300).default(10),
        /** Per-face One-Euro filtering of valence, arousal, AUs and expression probabilities; the unfiltered values go out as faces[].raw. */
        smoothing: z
          .object({
            enabled: z.boolean().default(true),
            /** Hz: cutoff of a still value (lower: smoother, more lag). */
            minCutoff: z.number().positive().max(100).default(1),
            /** Cutoff growth per unit/s of change (higher: fast changes come through sooner). */
            beta: z.number().min(0).max(100).default(1),
            /** Hz: cutoff of the speed estimate. */
            dCutoff: z.number().positive().max(100).default(1),
          })
          .strict()
          .prefault({}),
        /** Consecutive analysed frames a face may go undetected before its track (and per-face state) ends. */
        lostAfterFrames: z.number().int().min(1).max(300).default(10),
        /**
         * A producer is decoded only once it sends media, and its decoder stops after this long without a
         * decoded frame or sample (muted, paused, or a client that never sends): it starts again with the media.
         */
        idleTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(15_000),
        /** Decoder restarts allowed per stream within restartWindowMs before its analysis stops (and says so). */
        maxDecoderRestarts: z.number().int().min(0).max(100).default(5),
        restartWindowMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
        /** Also send each face's 52 MediaPipe blendshape scores (AffectEvent faces[].blendshapes); off by default. */
        blendshapes: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /**
     * Inference on a remote server speaking the KServe v2 protocol (NVIDIA Triton and others; README
     * "Deployment across hosts"). The models still load locally: a server that fails, times out or is down
     * sends inference back to them (logged once) until it answers again.
     */
    inference: z
      .object({
        remote: z
          .object({
            /** Base URL of the server's HTTP endpoint, e.g. http://10.0.0.5:8000 (https behind a TLS proxy). */
            url: z.url({ protocol: /^https?$/, error: 'inference.remote.url is an http:// or https:// URL' }),
            /** One request's limit; past it the request is abandoned and retried. */
            timeoutMs: z.number().int().min(10).max(60_000).default(1_000),
            /** Further attempts after a timeout, a refused connection or a 5xx (not after a 4xx). */
            retries: z.number().int().min(0).max(10).default(2),
            /** First wait before a retry; it doubles for each further one. */
            retryBackoffMs: z.number().int().min(0).max(10_000).default(50),
            /** While inference runs locally, how often a request checks whether the server is back. */
            probeIntervalMs: z.number().int().min(100).max(600_000).default(5_000),
            /** Model ids (as in their manifests, and as the server names them) sent to the server; default every model. */
            models: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a model id, as in its manifest')).min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    models: z
      .object({
        profile: z.enum(['default', 'avmt']).default('default'),
        dir: z.string().min(1).default(path.join(PROJECT_ROOT, 'models', 'build')),
        /**
         * A trained valence/arousal network the user brings (HSEmotion's enet_b0_8_va_mtl.onnx, see the README):
         * VA then comes from it instead of the circumplex estimator. The file must have the published sha256,
         * or the one named in acceptSha256 (an explicit choice to run another file).
         */
        va: z
          .object({
            file: z.string().min(1),
            acceptSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'acceptSha256 is a sha256 in hex (64 digits)').optional(),
          })
          .strict()
          .optional(),
        /** Serve an export whose manifest says 'untrained' (benchmarks only); every value it gives is marked untrained. */
        allowUntrained: z.boolean().default(false),
        /** onnxruntime intra-op threads per session: 1 is fastest on small CPUs (threads spin). */
        intraOpThreads: z.number().int().min(1).max(64).default(1),
        /**
         * Worker threads that run inference (each holds every model of the profile). onnxruntime-node computes
         * on the calling thread, so 0 (in-process) blocks the event loop while a model runs.
         */
        inferenceThreads: z.number().int().min(0).max(64).default(Math.max(1, os.availableParallelism())),
        /**
         * Execution provider of every model, unless `providers` names another for a model id. One that cannot
         * start here (no CUDA libraries, no WebGPU adapter) falls back to cpu, logged with its reason.
         */
        executionProvider: executionProvider.default('cpu'),
        providers: z.record(modelId, executionProvider).default({}),
        /**
         * Cross-stream batching per model id, overriding the measured defaults of the provider the model runs
         * on (README "Batching"): requests within windowMs are run as one batch of at most maxBatch rows.
         * windowMs 0 or maxBatch 1 turns batching off for that model.
         */
        batching: z
          .record(modelId, z.object({ windowMs: z.number().int().min(0).max(100), maxBatch: z.number().int().min(1).max(256) }).strict())
          .default({}),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        /** Recorded sessions older than this are deleted (checked at start and hourly). 0 keeps nothing once ended. */
        retentionDays: z.number().min(0).max(3650).default(30),
        /** AffectEvents waiting to be written; beyond this, new ones are dropped (counted) rather than stall analysis. */
        queueLimit: z.number().int().min(10).max(1_000_000).default(20_000),
        /** How often queued events are written, in one transaction. */
        flushMs: z.number().int().min(10).max(10_000).default(250),
      })
      .strict()
      .prefault({}),
    policy: z
      .object({
        /**
         * Purposes that must not be analysed. The shipped (EU) policy refuses workplace and education, per the
         * AI Act Art. 5(1)(f), unless the room declares a medical or safety reason.
         */
        refusedPurposes: z.array(z.enum(ROOM_PURPOSES)).default(['workplace', 'education']),
        medicalOrSafetyException: z.boolean().default(true),
        /** Purpose of rooms that nobody declared (config rooms or PUT /api/rooms/:room). */
        defaultPurpose: z.enum(ROOM_PURPOSES).default('other'),
      })
      .strict()
      .prefault({}),
    /** Declared rooms: purpose and alert rules by room name (the admin API can change both later). */
    rooms: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'room names use letters, digits, _ and - (at most 64)'),
        z
          .object({
            purpose: z.enum(ROOM_PURPOSES),
            medicalOrSafety: z.boolean().default(false),
            rules: AlertRulesSchema.optional(),
          })
          .strict(),
      )
      .default({}),
    alerts: z
      .object({
        /** Rules of rooms that have none of their own. */
        defaultRules: AlertRulesSchema.default([
          { id: 'low-valence', kind: 'valence-below', threshold: -0.5, forS: 10 },
          { id: 'face-lost', kind: 'face-lost', forS: 30 },
        ]),
      })
      .strict()
      .prefault({}),
    /** Scale-out: servers that share one Redis share their /affect events and token revocations (off when absent). */
    cluster: z
      .object({
        /** redis://[user:password@]host:port[/db] or rediss://…; the password is never logged. */
        redisUrl: z.url({ protocol: /^rediss?$/, error: 'cluster.redisUrl: a redis:// or rediss:// URL' }).optional(),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine(
    (c) => c.sfu.rtcPorts.max < c.analyzer.decoderPorts.min || c.analyzer.decoderPorts.max < c.sfu.rtcPorts.min,
    { message: 'sfu.rtcPorts and analyzer.decoderPorts must not overlap', path: ['analyzer', 'decoderPorts'] },
  );

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = Readonly<z.output<typeof ConfigSchema>>;
