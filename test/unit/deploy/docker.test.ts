// What can be checked of docker/ without a Docker engine: the image is built only by setup.sh's own steps
// (the ones `npm start` and CI run), together covering a full `setup.sh run`; every COPY source exists; the
// container listens on every address and publishes exactly the WebRTC range it configures; compose runs
// affectcast with Redis and a configuration that loads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { REPO_ROOT } from '../../support/media.js';

/** A full `setup.sh run`, in setup's order (the README's setup: packages, worker build, npm, build, models). */
const RUN_STEPS = ['packages', 'worker-deps', 'npm', 'worker', 'build', 'models'];
/** mediasoup needs this many ports per worker (WorkerPool refuses fewer). */
const MIN_PORTS_PER_WORKER = 16;

interface Instruction {
  stage: string;
  op: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped, each tagged with its stage. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
  let stage = '';
  const out: Instruction[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, op = '', args = ''] = m;
    if (op === 'FROM') stage = / AS (\S+)/i.exec(args)?.[1] ?? args;
    out.push({ stage, op, args: args.trim() });
  }
  return out;
}

const dockerfile = instructions(fs.readFileSync(path.join(REPO_ROOT, 'docker', 'Dockerfile'), 'utf8'));
const compose = fs.readFileSync(path.join(REPO_ROOT, 'docker', 'compose.yaml'), 'utf8');
const setupText = fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'setup.sh'), 'utf8');

function envOf(stage: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of dockerfile.filter((x) => x.stage === stage && x.op === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Z_]+)=(\S+)/g)) env[m[1] as string] = m[2] as string;
  }
  return env;
}

/** `KEY: value` lines of one compose service's environment block. */
function composeEnv(service: string): Record<string, string> {
  const block = new RegExp(`^  ${service}:\\n((?:    .*\\n|\\s*\\n)*)`, 'm').exec(compose)?.[1] ?? '';
  const env = /^    environment:\n((?:      .*\n)*)/m.exec(block)?.[1] ?? '';
  return Object.fromEntries([...env.matchAll(/^      ([A-Z_]+): (.*)$/gm)].map((m) => [m[1], (m[2] ?? '').trim()]));
}

function composePorts(service: string): string[] {
  const block = new RegExp(`^  ${service}:\\n((?:    .*\\n|\\s*\\n)*)`, 'm').exec(compose)?.[1] ?? '';
  const ports = /^    ports:\n((?:      - .*\n)*)/m.exec(block)?.[1] ?? '';
  return [...ports.matchAll(/^      - "?([^"\n]+)"?$/gm)].map((m) => m[1] as string);
}

/** compose's `${NAME:-default}`, as compose fills it in when NAME is unset. */
const composeDefault = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('docker image', () => {
  it('is built in stages: worker toolchain, npm and worker, build, models, a slim runtime', () => {
    const stages = dockerfile.filter((i) => i.op === 'FROM');
    assert.ok(stages.length >= 4, `multi-stage (${stages.length} stages)`);
    const last = dockerfile.at(-1)?.stage;
    assert.equal(last, 'runtime');
    const from = dockerfile.find((i) => i.op === 'FROM' && i.stage === 'runtime')?.args ?? '';
    const runtimeImage = /ARG RUNTIME_IMAGE=(\S+)/.exec(fs.readFileSync(path.join(REPO_ROOT, 'docker', 'Dockerfile'), 'utf8'))?.[1];
    assert.match(from.includes('RUNTIME_IMAGE') ? (runtimeImage ?? '') : from, /slim/);
    for (const i of dockerfile.filter((x) => x.op === 'COPY' && x.args.includes('--from='))) {
      const source = /--from=(\S+)/.exec(i.args)?.[1];
      assert.ok(stages.some((s) => s.stage === source), `COPY --from=${source} names a stage`);
    }
  });

  it('runs only setup.sh steps, which together are a full `setup.sh run`, in its order', () => {
    const used: string[] = [];
    for (const run of dockerfile.filter((i) => i.op === 'RUN')) {
      const calls = [...run.args.matchAll(/bash scripts\/setup\.sh (run|test)((?: [a-z-]+)+)/g)];
      assert.ok(calls.length > 0, `RUN calls setup.sh: ${run.args}`);
      for (const call of calls) {
        assert.equal(call[1], 'run', 'the image gets what serving needs, not the test tools');
        const steps = (call[2] ?? '').trim().split(' ');
        for (const step of steps) {
          assert.ok(RUN_STEPS.includes(step), `${step} is a setup step`);
          // setup.sh runs the step in a full setup too (the same code CI runs), guarded by `want`.
          assert.match(setupText, new RegExp(`want ${step}\\b`), `setup.sh has step ${step}`);
        }
        if (run.stage !== 'runtime') used.push(...steps);
      }
    }
    assert.deepEqual(used, RUN_STEPS, 'the build stages run every step of setup, once, in order');
    // The runtime stage installs the run-time packages again (on the slim image) and nothing else of setup.
    const runtimeRuns = dockerfile.filter((i) => i.stage === 'runtime' && i.op === 'RUN').map((i) => i.args);
    assert.ok(runtimeRuns.every((r) => /setup\.sh run packages(?! [a-z])/.test(r)), runtimeRuns.join('\n'));
  });

  it('setup.sh accepts exactly its steps', () => {
    const bad = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'setup.sh'), 'run', 'no-such-step'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown step 'no-such-step'/);
    for (const step of RUN_STEPS) assert.match(bad.stderr, new RegExp(`\\b${step}\\b`), `the message lists ${step}`);
  });

  it('copies only files that exist', () => {
    for (const i of dockerfile.filter((x) => x.op === 'COPY' && !x.args.includes('--from='))) {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        if (source === '.') continue;
        assert.ok(fs.existsSync(path.join(REPO_ROOT, source)), `COPY source ${source} exists`);
      }
    }
  });

  it('listens on every address inside and exposes the WebRTC range it configures', () => {
    const env = envOf('runtime');
    assert.equal(env.AFFECTCAST_HOST, '0.0.0.0');
    assert.equal(env.AFFECTCAST_LISTEN_IP, '0.0.0.0');
    const config = loadConfig({}, env);
    const range = `${config.sfu.rtcPorts.min}-${config.sfu.rtcPorts.max}`;
    const expose = dockerfile.find((i) => i.stage === 'runtime' && i.op === 'EXPOSE')?.args.split(/\s+/) ?? [];
    assert.ok(expose.includes(`${range}/udp`) && expose.includes(`${range}/tcp`), `EXPOSE ${expose.join(' ')} has ${range} udp and tcp`);
    assert.ok(expose.includes(`${config.server.port}/tcp`), 'the HTTP port is exposed');
    // Nothing configured: browsers on the Docker host reach the published ports at loopback.
    assert.equal(config.sfu.announcedAddress, '127.0.0.1');
  });
});

describe('docker compose', () => {
  it('runs affectcast and Redis, with the Redis URL in the environment', () => {
    assert.match(compose, /^  redis:\n/m, 'a redis service');
    assert.match(compose, /^    image: redis:/m);
    assert.equal(composeEnv('affectcast').AFFECTCAST_REDIS_URL, 'redis://redis:6379');
  });

  it('publishes exactly the UDP and TCP port range the configuration uses, and HTTP on loopback', () => {
    const env = Object.fromEntries(Object.entries(composeEnv('affectcast')).map(([k, v]) => [k, composeDefault(v)]));
    const config = loadConfig({}, { ...envOf('runtime'), ...env });
    assert.equal(config.sfu.listenIp, '0.0.0.0');
    assert.equal(config.server.host, '0.0.0.0');
    const range = `${config.sfu.rtcPorts.min}-${config.sfu.rtcPorts.max}`;
    const ports = composePorts('affectcast');
    assert.ok(ports.includes(`${range}:${range}/udp`), `ports ${ports.join(', ')} publish ${range}/udp`);
    assert.ok(ports.includes(`${range}:${range}/tcp`), `ports ${ports.join(', ')} publish ${range}/tcp`);
    assert.ok(ports.includes(`127.0.0.1:${config.server.port}:${config.server.port}/tcp`), 'HTTP only on the host\'s loopback (TLS proxy in front)');
    const perWorker = (config.sfu.rtcPorts.max - config.sfu.rtcPorts.min + 1) / config.sfu.workers;
    assert.ok(perWorker >= MIN_PORTS_PER_WORKER, `${perWorker} ports per worker`);
    assert.match(env.AFFECTCAST_ANNOUNCED_ADDRESS ?? '', /^127\.0\.0\.1$/, 'announced address defaults to loopback, overridable');
    assert.match(composeEnv('affectcast').AFFECTCAST_ANNOUNCED_ADDRESS ?? '', /^\$\{AFFECTCAST_ANNOUNCED_ADDRESS:-/);
  });
});
