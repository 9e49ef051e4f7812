// The SFU's side of the tap seam (src/contracts/taps.ts): every producer of every room, offered as a TapOffer
// whose openTap() opens a MediaTap on the room's router, inside the room's worker port range. Offers carry
// plain ids and a display name: whoever consumes them needs no Room, Peer or mediasoup type.
import type { Producer } from 'mediasoup/types';
import type { Tap, TapOffer, TapSource } from '../contracts/taps.js';
import { MediaTap } from './MediaTap.js';
import type { Peer } from './Peer.js';
import type { Room } from './Room.js';
import type { RoomRegistry } from './RoomRegistry.js';

export class SfuTapSource implements TapSource {
  readonly #rooms: RoomRegistry;

  constructor(rooms: RoomRegistry) {
    this.#rooms = rooms;
  }

  offers(): TapOffer[] {
    const offers: TapOffer[] = [];
    for (const room of this.#rooms.rooms()) offers.push(...roomOffers(room));
    return offers;
  }

  offersOf(roomId: string, peerId: string): TapOffer[] {
    const room = this.#rooms.get(roomId);
    const peer = room?.peers.get(peerId);
    return room && peer ? [...peer.producers.values()].map((producer) => tapOffer(room, peer, producer)) : [];
  }

  onOffer(listener: (offer: TapOffer) => void): () => void {
    const roomListeners = new Map<Room, () => void>();
    const watchRoom = (room: Room) => {
      const onProducer = (peer: Peer, producer: Producer) => listener(tapOffer(room, peer, producer));
      room.observer.on('newproducer', onProducer);
      const stop = () => {
        room.observer.off('newproducer', onProducer);
        roomListeners.delete(room);
      };
      roomListeners.set(room, stop);
      room.observer.once('close', stop);
    };
    this.#rooms.observer.on('newroom', watchRoom);
    for (const room of this.#rooms.rooms()) watchRoom(room);
    return () => {
      this.#rooms.observer.off('newroom', watchRoom);
      for (const stop of [...roomListeners.values()]) stop();
    };
  }
}

function roomOffers(room: Room): TapOffer[] {
  const offers: TapOffer[] = [];
  for (const peer of room.peers.values()) for (const producer of peer.producers.values()) offers.push(tapOffer(room, peer, producer));
  return offers;
}

/** One producer as a TapOffer (exported for tests that fork a producer they made themselves). */
export function tapOffer(room: Room, peer: Peer, producer: Producer): TapOffer {
  return {
    roomId: room.id,
    peerId: peer.id,
    displayName: peer.displayName,
    producerId: producer.id,
    kind: producer.kind,
    get closed() {
      return producer.closed;
    },
    onClose(listener) {
      if (producer.closed) {
        listener();
        return () => undefined;
      }
      producer.observer.once('close', listener);
      return () => producer.observer.off('close', listener);
    },
    receivedBytes: () => receivedBytes(producer),
    openTap: (rtpPort: number): Promise<Tap> => MediaTap.open({ router: room.router, producer, rtpPort, portRange: room.portRange }),
  };
}

/** Bytes the producer has received so far; undefined when it (or its worker) is gone. */
async function receivedBytes(producer: Producer): Promise<number | undefined> {
  try {
    return (await producer.getStats()).reduce((sum, s) => sum + (s.byteCount ?? 0), 0);
  } catch {
    return undefined;
  }
}
