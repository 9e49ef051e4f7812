import { CONVERTER_VERSION } from './convert/version.js';
import type { ResolvedPackage } from './packages.js';

/**
 * A converted model's version: the weights' package version plus the converter version, e.g.
 * '3.3.6+conv.1'. It changes when either does, which is what makes `models build` reconvert.
 */
export function modelVersion(pkg: ResolvedPackage): string {
  return `${pkg.version}+conv.${CONVERTER_VERSION}`;
}
