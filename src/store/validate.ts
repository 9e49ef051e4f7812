// zod at the boundary: a failed parse becomes BAD_REQUEST naming the first offending field.
import type { z } from 'zod';
import { AffectcastError } from '../contracts/errors.js';

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : what;
  throw new AffectcastError('BAD_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`);
}
