// Reads the members of a zip archive held in memory. A MediaPipe `.task` bundle is a zip whose members are
// stored uncompressed; deflate is accepted too so a repacked bundle still opens. Only the central
// directory is trusted for names and sizes (local headers may omit them), and every offset is
// bounds-checked: the bytes come from a file a user could replace.
import zlib from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const STORED = 0;
const DEFLATE = 8;

function need(ok: boolean, what: string): void {
  if (!ok) throw new Error(`not a readable zip archive: ${what}`);
}

function findEndOfCentralDirectory(buf: Buffer): number {
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const lowest = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  throw new Error('not a readable zip archive: no end-of-central-directory record');
}

/** Member name → uncompressed bytes. */
export function readZipMembers(buf: Buffer): Map<string, Buffer> {
  need(buf.length >= 22, 'too short');
  const eocd = findEndOfCentralDirectory(buf);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const members = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    need(p + 46 <= buf.length && buf.readUInt32LE(p) === CENTRAL_SIGNATURE, 'bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    need(p + 46 + nameLength <= buf.length, 'name out of range');
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    need(local + 30 <= buf.length && buf.readUInt32LE(local) === LOCAL_SIGNATURE, `bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    need(start + compressed <= buf.length, `${name} runs past the end`);
    const raw = buf.subarray(start, start + compressed);
    let data: Buffer;
    if (method === STORED) data = raw;
    else if (method === DEFLATE) data = zlib.inflateRawSync(raw, { maxOutputLength: size });
    else throw new Error(`zip member ${name} uses compression method ${method}; only stored and deflate are supported`);
    need(data.length === size, `${name} has ${data.length} bytes, the directory says ${size}`);
    members.set(name, data);
  }
  return members;
}
