import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSchema } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers/index.js';
import type { Context } from '../resolvers/context.js';

const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The SDL files of schema/, sorted so the merged schema is the same on every machine. */
export const readTypeDefs = (): string[] =>
  readdirSync(schemaDir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(`${schemaDir}${file}`, 'utf8'));

export const buildExecutableSchema = (): GraphQLSchema =>
  createSchema<Context>({
    typeDefs: readTypeDefs(),
    // The generated Resolvers type is stricter than graphql-tools' IResolvers; the shapes are the same.
    resolvers: resolvers as unknown as Parameters<typeof createSchema<Context>>[0]['resolvers'],
  });
