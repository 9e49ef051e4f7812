// Locates the npm packages that ship the weights. Resolved through Node's own lookup paths rather than
// require.resolve('<pkg>/package.json'), because @vladmandic/human's "exports" map hides package.json.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

const PackageJsonSchema = z.looseObject({ name: z.string(), version: z.string(), license: z.string().optional() });

export interface ResolvedPackage {
  name: string;
  version: string;
  licence: string;
  dir: string;
}

const require = createRequire(import.meta.url);

export function resolvePackage(name: string): ResolvedPackage {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = PackageJsonSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return { name: pkg.name, version: pkg.version, licence: pkg.license ?? 'unknown', dir };
  }
  throw new Error(`npm package ${name} is not installed (run: npm ci)`);
}
