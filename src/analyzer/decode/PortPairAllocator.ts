// Hands out (even RTP port, RTP + 1 for RTCP) pairs from config.analyzer.decoderPorts for the decoders. A pair
// is reserved in this process before it is probed, so concurrent taps never get the same one, and probed by
// binding both ports, so a pair another program holds is skipped. Released pairs go to the back of the line
// (round robin), so late packets of a closed tap don't reach the next decoder on the same port.
import dgram from 'node:dgram';
import { AffectcastError } from '../../contracts/errors.js';

export interface PortPairLease {
  readonly rtpPort: number;
  readonly rtcpPort: number;
  /** Idempotent. */
  release(): void;
}

export type PortProbe = (port: number) => Promise<boolean>;

/** True when nothing holds UDP `port` on any local address (binding 0.0.0.0 fails if anything does). */
export const probeUdpPort: PortProbe = (port) =>
  new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
  });

export class PortPairAllocator {
  readonly #first: number;
  readonly #pairs: number;
  readonly #reserved = new Set<number>();
  readonly #probe: PortProbe;
  #next: number;

  constructor(range: { min: number; max: number }, probe: PortProbe = probeUdpPort) {
    this.#first = range.min % 2 === 0 ? range.min : range.min + 1;
    this.#pairs = Math.max(0, Math.floor((range.max - this.#first + 1) / 2));
    if (this.#pairs === 0) throw new AffectcastError('CONFIG_INVALID', `analyzer.decoderPorts ${range.min}-${range.max} holds no even/odd port pair`);
    this.#probe = probe;
    // Start anywhere: two servers on one host (parallel test runs) then rarely probe the same pair at once.
    this.#next = Math.floor(Math.random() * this.#pairs);
  }

  /** Pairs in use by this process. */
  get inUse(): number {
    return this.#reserved.size;
  }

  get capacity(): number {
    return this.#pairs;
  }

  async allocate(): Promise<PortPairLease> {
    for (let tried = 0; tried < this.#pairs; tried++) {
      const rtpPort = this.#first + 2 * this.#next;
      this.#next = (this.#next + 1) % this.#pairs;
      if (this.#reserved.has(rtpPort)) continue;
      this.#reserved.add(rtpPort);
      if ((await this.#probe(rtpPort)) && (await this.#probe(rtpPort + 1))) {
        let released = false;
        return {
          rtpPort,
          rtcpPort: rtpPort + 1,
          release: () => {
            if (released) return;
            released = true;
            this.#reserved.delete(rtpPort);
          },
        };
      }
      this.#reserved.delete(rtpPort);
    }
    throw new AffectcastError('MEDIA_ERROR', `no free UDP port pair for a decoder in ${this.#first}-${this.#first + 2 * this.#pairs - 1}`);
  }
}
