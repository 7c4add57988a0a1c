import {
  getNamedType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { isCleanKey, isCleanText } from '../lib/clean-text.js';

/**
 * Arguments and input fields that are keys although typed String: they name a record (idempotency),
 * so they are held to the rule of ids.
 */
const KEY_NAMES: ReadonlySet<string> = new Set(['clientId']);

export interface InputRefusal {
  message: string;
  /** The variable that holds the string, when it came in one. */
  variable?: string;
}

/** What one document says about its strings: a bad literal, and the types each variable is used as. */
interface DocumentPlan {
  literal: InputRefusal | undefined;
  variables: Map<string, VariableUse>;
}

interface VariableUse {
  /** Declared types (one per operation that declares it). */
  types: GraphQLInputType[];
  /** Used where an id or key goes (an ID argument, a `clientId`), even if declared as String. */
  key: boolean;
}

const isKeyPosition = (type: GraphQLInputType | null | undefined, name: string | undefined): boolean =>
  (type !== null && type !== undefined && getNamedType(type).name === 'ID') || (name !== undefined && KEY_NAMES.has(name));

const refusalOf = (text: string, key: boolean): string | undefined => {
  if (!isCleanText(text)) return 'Strings must be well-formed Unicode without NUL characters';
  if (key && !isCleanKey(text)) return 'Ids and keys must not contain control characters';
  return undefined;
};

const unwrap = (type: GraphQLInputType | undefined): GraphQLInputType | undefined => (type && isNonNullType(type) ? type.ofType : type);

const planOf = (schema: GraphQLSchema, document: DocumentNode): DocumentPlan => {
  const variables = new Map<string, VariableUse>();
  const useOf = (name: string): VariableUse => {
    let use = variables.get(name);
    if (!use) variables.set(name, (use = { types: [], key: false }));
    return use;
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      // typeFromAST's overloads take a specific TypeNode kind; the union is what the AST holds.
      const type = typeFromAST(schema, variable.type as Parameters<typeof typeFromAST>[1]);
      if (type && isInputType(type)) useOf(variable.variable.name.value).types.push(type);
    }
  }
  let literal: InputRefusal | undefined;
  // The argument or input field being visited: a `clientId` is a key by its name.
  const names: string[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument: { enter: (node) => void names.push(node.name.value), leave: () => void names.pop() },
      ObjectField: { enter: (node) => void names.push(node.name.value), leave: () => void names.pop() },
      StringValue: (node) => {
        const message = literal ? undefined : refusalOf(node.value, isKeyPosition(typeInfo.getInputType(), names.at(-1)));
        if (message) literal = { message };
      },
      Variable: (node, _key, parent: ASTNode | readonly ASTNode[] | undefined) => {
        // The `$name` of a declaration is not a use.
        if (parent && !Array.isArray(parent) && (parent as ASTNode).kind === Kind.VARIABLE_DEFINITION) return;
        if (isKeyPosition(typeInfo.getInputType(), names.at(-1))) useOf(node.name.value).key = true;
      },
    }),
  );
  return { literal, variables };
};

interface Pending {
  value: unknown;
  type: GraphQLInputType | undefined;
  key: boolean;
}

// Iterative, so a deeply nested value cannot exhaust the stack; its size is bounded by the request's.
const refusalInValue = (value: unknown, type: GraphQLInputType | undefined, key: boolean): string | undefined => {
  const pending: Pending[] = [{ value, type, key }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const type = unwrap(next.type);
    if (typeof next.value === 'string') {
      const message = refusalOf(next.value, next.key || isKeyPosition(type, undefined));
      if (message) return message;
    } else if (Array.isArray(next.value)) {
      const itemType = type && isListType(type) ? type.ofType : type;
      for (const item of next.value) pending.push({ value: item, type: itemType, key: next.key });
    } else if (typeof next.value === 'object' && next.value !== null) {
      const fields = type && isInputObjectType(type) ? type.getFields() : undefined;
      const object = next.value as Record<string, unknown>; // a parsed JSON object: plain, own keys only
      for (const name in object) {
        const message = refusalOf(name, false);
        if (message) return message;
        pending.push({ value: object[name], type: fields?.[name]?.type, key: KEY_NAMES.has(name) });
      }
    }
  }
  return undefined;
};

export type InputCheck = (document: DocumentNode, variables: unknown) => InputRefusal | undefined;

/**
 * Checks every string of an operation before anything runs: the document's literals and every variable
 * value. Strings must be clean text (well-formed, no NUL); ids and keys also free of control characters.
 * What the document says is worked out once per document (parsed documents are cached and reused).
 */
export const createInputCheck = (schema: GraphQLSchema): InputCheck => {
  const plans = new WeakMap<DocumentNode, DocumentPlan>();
  return (document, variables) => {
    let plan = plans.get(document);
    if (!plan) plans.set(document, (plan = planOf(schema, document)));
    if (plan.literal) return plan.literal;
    if (typeof variables !== 'object' || variables === null) return undefined;
    for (const [name, value] of Object.entries(variables)) {
      const use = plan.variables.get(name);
      const key = use?.key ?? false;
      const types = use && use.types.length > 0 ? use.types : [undefined];
      for (const type of types) {
        const message = refusalOf(name, false) ?? refusalInValue(value, type, key);
        if (message) return { message, variable: name };
      }
    }
    return undefined;
  };
};
