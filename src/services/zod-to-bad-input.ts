import type { z } from 'zod';
import { badInput } from '../errors/index.js';

/** Parses client input; a failure becomes `BAD_USER_INPUT` naming every offending field. */
export const zodToBadInput = <S extends z.ZodType>(schema: S, input: unknown): z.infer<S> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = fields.map((field) => (field.path ? `${field.path}: ${field.message}` : field.message)).join('; ');
  throw badInput(`Invalid input: ${summary}`, { fields });
};
