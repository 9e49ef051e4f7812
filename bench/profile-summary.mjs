// Where the time goes: the functions with the most self time in V8 CPU profiles, per thread.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/affectcast.js bench --streams 1,4 --window 10
//   node bench/profile-summary.mjs /tmp/prof [top=12]
// Each .cpuprofile is one thread (the main thread, each inference thread, each human thread). Self time is
// time in the function itself, not in what it calls; "(idle)" is a thread waiting, "(program)" is V8 and
// native code outside JavaScript (onnxruntime's kernels run there, on the inference threads).
import fs from 'node:fs';
import path from 'node:path';

const [dir, topArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/profile-summary.mjs <profile dir> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 12);
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${file}: ${(total / 1000).toFixed(1)} s sampled`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(7)} s  ${key}`);
  }
}
