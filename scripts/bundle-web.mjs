// Bundles the browser pages with esbuild: src/web/<page>/main.ts → dist/web/assets/<page>.js (+ .css, .map)
// and src/web/<page>/index.html → dist/web/<page>.html. Pages share contracts with the server (types only).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webSrc = path.join(root, 'src', 'web');
const out = path.resolve(root, process.env.AFFECTCAST_WEB_OUT ?? path.join('dist', 'web'));
const pages = fs.readdirSync(webSrc).filter((d) => fs.existsSync(path.join(webSrc, d, 'main.ts')));

fs.mkdirSync(path.join(out, 'assets'), { recursive: true });
// A page whose script imports CSS (the dashboard: its own and uPlot's) gets <page>.css from esbuild;
// the others have their style.css copied as is.
const result = await build({
  entryPoints: Object.fromEntries(pages.map((p) => [p, path.join(webSrc, p, 'main.ts')])),
  bundle: true,
  format: 'esm',
  target: 'chrome120',
  minify: true,
  sourcemap: true,
  outdir: path.join(out, 'assets'),
  logLevel: 'warning',
  metafile: true,
});
const emitted = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
for (const p of pages) {
  fs.copyFileSync(path.join(webSrc, p, 'index.html'), path.join(out, `${p}.html`));
  const css = path.join(webSrc, p, 'style.css');
  if (fs.existsSync(css) && !emitted.has(path.join(out, 'assets', `${p}.css`))) fs.copyFileSync(css, path.join(out, 'assets', `${p}.css`));
}
console.error(`[bundle] ${pages.join(', ')} → ${path.relative(root, out)}`);
