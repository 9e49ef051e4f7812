// Messages between the EventWriter (main thread) and its worker thread, which owns the only connection that
// writes events. A row is [sessionId, at, peerId, producerId, body (the AffectEvent as JSON)].
export type EventRow = [sessionId: string, at: number, peerId: string, producerId: string, body: string];

export type ToWriter = { type: 'open'; file: string } | { type: 'batch'; id: number; rows: EventRow[] } | { type: 'close' };

export type FromWriter =
  | { type: 'opened' }
  | { type: 'written'; id: number; count: number }
  | { type: 'failed'; id: number; count: number; message: string }
  | { type: 'closed' };
