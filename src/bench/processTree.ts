// CPU time and resident memory of the server as the kernel counts them (/proc): this process (main thread
// and inference threads) and every process below it — mediasoup workers, ffmpeg decoders — except the
// processes the caller names (the synthetic senders), which stand in for the participants' machines.
import fs from 'node:fs';

export type ProcessClass = 'node' | 'mediasoup' | 'decoders';

export interface TreeSample {
  at: number;
  /** CPU seconds (user + system) so far, per class, of the processes alive now. */
  cpuSeconds: Record<ProcessClass, number>;
  /** Per pid, so that a process that appears or ends between two samples is counted fairly. */
  perPid: Map<number, { cls: ProcessClass; cpuSeconds: number }>;
  rssMB: number;
}

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuSeconds: number;
  rssPages: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node runs on
const PAGE_BYTES = 4096;

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone between listing and reading
  }
  // comm is in parentheses and may itself contain spaces or parentheses: split after the last ')'
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24
  const num = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: num(4), comm, cpuSeconds: (num(14) + num(15)) / TICKS_PER_SECOND, rssPages: num(24) };
}

function classify(comm: string, root: boolean): ProcessClass {
  if (root) return 'node';
  if (comm.startsWith('mediasoup')) return 'mediasoup';
  if (comm === 'ffmpeg') return 'decoders';
  return 'node';
}

/** Samples `rootPid` and its descendants, leaving out `excluded` pids and everything below them. */
export function sampleTree(rootPid: number, excluded: ReadonlySet<number>): TreeSample {
  const all: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const sample: TreeSample = { at: performance.now(), cpuSeconds: { node: 0, mediasoup: 0, decoders: 0 }, perPid: new Map(), rssMB: 0 };
  const visit = (stat: ProcStat, root: boolean) => {
    if (excluded.has(stat.pid)) return;
    const cls = classify(stat.comm, root);
    sample.cpuSeconds[cls] += stat.cpuSeconds;
    sample.perPid.set(stat.pid, { cls, cpuSeconds: stat.cpuSeconds });
    sample.rssMB += (stat.rssPages * PAGE_BYTES) / 2 ** 20;
    for (const child of children.get(stat.pid) ?? []) visit(child, false);
  };
  const root = all.find((s) => s.pid === rootPid);
  if (root) visit(root, true);
  return sample;
}

/**
 * CPU used between two samples, in percent of one core, per class. A process present in both counts its
 * difference; one that started in between counts all its time; one that ended in between is not seen (its
 * last seconds are lost: decoders only end when a stream does, which the bench avoids while measuring).
 */
export function cpuPercentBetween(a: TreeSample, b: TreeSample): Record<ProcessClass, number> {
  const seconds = (b.at - a.at) / 1000;
  const used: Record<ProcessClass, number> = { node: 0, mediasoup: 0, decoders: 0 };
  for (const [pid, now] of b.perPid) used[now.cls] += now.cpuSeconds - (a.perPid.get(pid)?.cpuSeconds ?? 0);
  for (const cls of Object.keys(used) as ProcessClass[]) used[cls] = seconds > 0 ? (used[cls] * 100) / seconds : 0;
  return used;
}
