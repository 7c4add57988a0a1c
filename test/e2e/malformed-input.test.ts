// 1,000 malformed or hostile frames and documents, drawn from a fixed seed, against a real server: raw
// graphql-ws protocol frames (bad JSON, unknown and server-only types, wrong field types, huge ids,
// oversized and non-UTF-8 frames, broken WebSocket framing, protocol order violations) and hostile GraphQL
// over HTTP, SSE and graphql-ws (deep nesting, many aliases, huge token counts, bad variables, invalid
// UTF-8, truncated JSON, random bytes). Each must be answered by a coded error (a code of the README's error
// table) or a close code from the README's table, with no 5xx; afterwards the server still serves.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ErrorCode } from '../../src/errors/index.js';
import { codeOf } from '../helpers/error-code.js';
import { gqlData } from '../helpers/graphql-http.js';
import { createRoom, sendMessage } from '../helpers/operations.js';
import { seededRandom, type SeededRandom } from '../helpers/seeded-random.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

const SEED = 0x8f_2e_4c_1d;
const CASES = 1_000;
const CONCURRENCY = 4;
const CASE_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 1024 * 1024; // the server's default MAX_BODY_BYTES, also its largest graphql-ws frame

/** Every close code a hostile frame may get (README: WebSocket close codes); 4500 and 1006 are not among them. */
const ALLOWED_CLOSE_CODES: ReadonlySet<number> = new Set([1002, 1007, 1009, 4400, 4401, 4403, 4406, 4409, 4429]);
const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
const { GraphqlParseFailed: PARSE, GraphqlValidationFailed: VALIDATION, BadUserInput: INPUT, BadRequest: REQUEST } = ErrorCode;

// What a case may be answered with: coded GraphQL errors whose codes are all in `codes`, a close code in
// `closes`, or (for a refused sub-protocol) a handshake the client's WebSocket rejects.
interface Expect {
  codes?: readonly string[];
  closes?: readonly number[];
  handshakeRefused?: boolean;
}

/** A GraphQL request that must be refused with one of `codes`. */
interface HostileDocument {
  family: string;
  /** The GraphQL request: query, variables, operationName. */
  query: string;
  variables?: unknown;
  operationName?: unknown;
  codes: readonly string[];
}

type Frame = { text: string } | { binary: Buffer } | { textBytes: Buffer } | { raw: Buffer };

interface WsCase {
  transport: 'graphql-ws';
  family: string;
  /** The sub-protocol offered; null offers none. */
  protocol: string | null;
  /** `ack`: frames go after connection_ack; `none`: frames are the first thing sent. */
  init: 'ack' | 'none';
  frames: Frame[];
  /** The operation id whose `error`/`next` answers the case. */
  id?: string;
  expect: Expect;
}

interface HttpCase {
  transport: 'http' | 'sse';
  family: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  expect: Expect;
}

/** Bytes written straight to a TCP connection: requests node's HTTP parser itself must refuse. */
interface RawHttpCase {
  transport: 'tcp';
  family: string;
  bytes: Buffer;
  expect: Expect;
}

type Case = WsCase | HttpCase | RawHttpCase;

type Outcome =
  | { kind: 'close'; code: number }
  | { kind: 'handshake-refused'; message: string }
  | { kind: 'message'; message: { type?: unknown; payload?: unknown } }
  | { kind: 'http'; status: number; errors: unknown[]; data: unknown; text: string }
  | { kind: 'timeout'; detail: string };

// ---- hostile GraphQL documents, the same for every transport ----

const FIELD_NAMES = ['viewer', 'serverTime', 'room', 'rooms', 'messages', 'id', 'name', '__typename'];

const hostileDocument = (rnd: SeededRandom, roomId: string): HostileDocument => {
  const family = rnd.pick([
    'deep nesting',
    'deep fragments',
    'many aliases',
    'many tokens',
    'many directives',
    'bad variables',
    'long body',
    'syntax garbage',
    'truncated document',
    'unknown field',
    'fragment cycle',
    'operation resolution',
    'control characters',
    'missing room',
  ]);
  switch (family) {
    case 'deep nesting': {
      const depth = rnd.int(11, 1_200);
      return { family, query: `query { ${'viewer { '.repeat(depth)}id${' }'.repeat(depth)} }`, codes: [PARSE, VALIDATION] };
    }
    case 'deep fragments': {
      // Valid when shallow; past the token limit (5 tokens a level) it must be refused while parsing.
      const depth = rnd.int(401, 3_000);
      return { family, query: `{ ${'... on Query { '.repeat(depth)}serverTime${' }'.repeat(depth)} }`, codes: [PARSE] };
    }
    case 'many aliases': {
      const count = rnd.int(31, 600);
      return { family, query: `{ ${Array.from({ length: count }, (_, i) => `a${i}: serverTime`).join(' ')} }`, codes: [VALIDATION, PARSE] };
    }
    case 'many tokens': {
      const count = rnd.int(2_000, 30_000);
      return { family, query: `{ viewer { ${'id '.repeat(count)}} }`, codes: [PARSE] };
    }
    case 'many directives': {
      const count = rnd.int(51, 600);
      return { family, query: `{ serverTime ${'@skip(if: false) '.repeat(count)}}`, codes: [VALIDATION, PARSE] };
    }
    case 'bad variables':
      return rnd.pick<HostileDocument>([
        { family, query: 'query($n: Int) { messages(roomId: "r", first: $n) { pageInfo { hasNextPage } } }', variables: { n: rnd.pick(['abc', 2 ** 40, 1.5, {}, [1], true]) }, codes: [INPUT] },
        { family, query: `query($n: Int) { messages(roomId: "${roomId}", first: $n) { pageInfo { hasNextPage } } }`, variables: { n: rnd.int(101, 1_000_000) }, codes: [INPUT] },
        { family, query: 'query($r: ID!) { room(id: $r) { id } }', variables: rnd.pick([{}, { r: null }, { r: {} }, { r: [] }, { r: true }, { r: 1.5 }]), codes: [INPUT] },
        {
          family,
          query: 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }',
          variables: { i: rnd.pick([{}, { roomId: roomId }, { roomId, body: 5 }, { roomId, body: 'x', extra: 1 }, 'input', [roomId], { roomId, body: { nested: rnd.string(20, 'abc') } }]) },
          codes: [INPUT],
        },
        { family, query: `query($x: ${rnd.pick(['NoSuchType', 'Int!!', '[Int', 'Query'])}) { serverTime }`, codes: [PARSE, VALIDATION] },
      ]);
    case 'long body':
      // The contract's example: a 100 KB body is BAD_USER_INPUT, and nothing is stored.
      return { family, query: 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }', variables: { i: { roomId, body: 'x'.repeat(rnd.int(4_001, 120_000)) } }, codes: [INPUT] };
    case 'syntax garbage':
      return { family, query: rnd.string(rnd.int(1, 300), '{}()[]:$!@.,"#=|&.abcxyz \n\\\'0123'), codes: [PARSE, VALIDATION] };
    case 'truncated document': {
      const whole = `query Q($r: ID!) { room(id: $r) { id name messages(first: 5) { edges { node { seq body author { name } } } } } }`;
      // Every strict prefix drops the closing brace at least.
      return { family, query: whole.slice(0, rnd.int(0, whole.length - 1)), variables: { r: roomId }, codes: [PARSE] };
    }
    case 'unknown field':
      return { family, query: `{ ${rnd.string(rnd.int(1, 30), 'abcdefghijklmnopqrstuvwxyz_')}${rnd.int(0, 9)} { id } }`, codes: [VALIDATION] };
    case 'fragment cycle':
      return { family, query: '{ ...A } fragment A on Query { serverTime ...B } fragment B on Query { viewer { id } ...A }', codes: [VALIDATION] };
    case 'operation resolution':
      return rnd.pick<HostileDocument>([
        { family, query: '{ serverTime } { viewer { id } }', codes: [ErrorCode.OperationResolutionFailure, VALIDATION] },
        { family, query: 'query A { serverTime } query B { viewer { id } }', codes: [ErrorCode.OperationResolutionFailure] },
        { family, query: 'query A { serverTime }', operationName: rnd.string(rnd.int(1, 40), 'BCDEFGxyz_'), codes: [ErrorCode.OperationResolutionFailure] },
      ]);
    case 'control characters': {
      // A NUL or a lone surrogate makes the document itself ill-formed text: refused as input before parsing.
      // A GET URL cannot carry a lone surrogate: the client's URL encoding turns it into U+FFFD, a parse error.
      const character = rnd.pick(['\u0000', '\u0007', '\u001b', '\ufeff\ufeff\u0000', '\ud800']);
      const codes = character.includes('\u0000') ? [ErrorCode.BadUserInput] : character === '\ud800' ? [ErrorCode.BadUserInput, PARSE] : [PARSE];
      return { family, query: `{ ${rnd.pick(FIELD_NAMES)}${character} }`, codes };
    }
    default:
      return { family: 'missing room', query: 'query($r: ID!) { messages(roomId: $r, first: 1) { edges { cursor } } }', variables: { r: rnd.string(rnd.int(1, 64), 'abcdef0123_') }, codes: [ErrorCode.NotFound] };
  }
};

// ---- graphql-ws frames ----

/** The request a document stands for, as a graphql-ws payload or an HTTP body. */
const requestOf = ({ query, variables, operationName }: HostileDocument | { query: string; variables?: unknown; operationName?: unknown }) => ({ query, variables, operationName });

const subscribeFrame = (id: string, document: { query: string; variables?: unknown; operationName?: unknown }): string =>
  JSON.stringify({ id, type: 'subscribe', payload: requestOf(document) });

/** A raw client frame (masked, as clients must) with the given first byte and payload; `mask: false` breaks the rule. */
const rawFrame = (first: number, payload: Buffer, { mask = true, lengthByte }: { mask?: boolean; lengthByte?: number } = {}): Buffer => {
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] ?? 0)));
  const second = (mask ? 0x80 : 0) | (lengthByte ?? payload.length);
  return Buffer.concat([Buffer.from([first, second]), mask ? key : Buffer.alloc(0), mask ? masked : payload]);
};

const wsCase = (rnd: SeededRandom, roomId: string): WsCase => {
  const base = { transport: 'graphql-ws' as const, protocol: 'graphql-transport-ws', init: 'ack' as const };
  const id = `op-${rnd.int(0, 1e9)}`;
  const family = rnd.pick([
    'document',
    'document',
    'document',
    'binary document',
    'truncated JSON',
    'random text',
    'random binary',
    'invalid UTF-8',
    'unknown type',
    'server-only type',
    'wrong field type',
    'subscribe before init',
    'duplicate id',
    'second init',
    'oversized frame',
    'huge id',
    'empty id',
    'bad init payload',
    'bad ping payload',
    'wrong sub-protocol',
    'bad token',
    'broken framing',
  ]);
  const valid = { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { seq } }', variables: { r: roomId } };
  switch (family) {
    case 'document':
    case 'binary document': {
      const document = hostileDocument(rnd, roomId);
      const text = subscribeFrame(id, document);
      return { ...base, family: `${family}: ${document.family}`, id, frames: [family === 'document' ? { text } : { binary: Buffer.from(text) }], expect: { codes: document.codes } };
    }
    case 'truncated JSON': {
      const text = subscribeFrame(id, valid);
      return { ...base, family, frames: [{ text: text.slice(0, rnd.int(0, text.length - 2)) }], expect: { closes: [4400] } };
    }
    case 'random text':
      return { ...base, family, frames: [{ text: rnd.string(rnd.int(1, 500), 'abc{}[]":,0123 \t\n\\nulltrue') }], expect: { closes: [4400] } };
    case 'random binary':
      return { ...base, family, frames: [{ binary: rnd.bytes(rnd.int(1, 2_000)) }], expect: { closes: [4400] } };
    case 'invalid UTF-8': {
      const text = Buffer.from(subscribeFrame(id, valid));
      const at = rnd.int(0, text.length - 1);
      return { ...base, family, frames: [{ textBytes: Buffer.concat([text.subarray(0, at), Buffer.from(rnd.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), text.subarray(at)]) }], expect: { closes: [1007] } };
    }
    case 'unknown type':
      return { ...base, family, frames: [{ text: JSON.stringify({ type: rnd.string(rnd.int(0, 20), 'abcdefgh_'), id, payload: {} }) }], expect: { closes: [4400] } };
    case 'server-only type':
      return { ...base, family, frames: [{ text: JSON.stringify({ type: rnd.pick(['connection_ack', 'next', 'error']), id, payload: rnd.pick([{}, [], { data: null }]) }) }], expect: { closes: [4400] } };
    case 'wrong field type': {
      const wrong = rnd.pick<unknown>([5, true, null, { a: 1 }, [1, 2]]);
      const message = rnd.pick<Record<string, unknown>>([
        { id: wrong, type: 'subscribe', payload: valid },
        { id, type: 'subscribe', payload: rnd.pick([5, 'text', null, true]) },
        { id, type: 'subscribe', payload: { ...valid, query: rnd.pick([5, null, {}, ['q']]) } },
        { id, type: 'subscribe', payload: { ...valid, variables: rnd.pick([5, 'vars', true]) } },
        { id, type: 'subscribe', payload: { ...valid, operationName: rnd.pick([5, {}, true]) } },
        { id, type: 'subscribe', payload: { ...valid, extensions: rnd.pick([5, 'ext', true]) } },
        { id: wrong, type: 'complete' },
        { type: rnd.pick([5, null, {}, true]) },
      ]);
      return { ...base, family, frames: [{ text: JSON.stringify(message) }], expect: { closes: [4400] } };
    }
    case 'subscribe before init':
      return { ...base, family, init: 'none', frames: [{ text: subscribeFrame(id, valid) }], expect: { closes: [4401] } };
    case 'duplicate id':
      return { ...base, family, frames: [{ text: subscribeFrame(id, valid) }, { text: subscribeFrame(id, rnd.chance(0.5) ? valid : { query: '{ serverTime }' }) }], expect: { closes: [4409] } };
    case 'second init':
      return { ...base, family, frames: [{ text: JSON.stringify({ type: 'connection_init', payload: rnd.pick([undefined, {}, { authorization: 'x' }]) }) }], expect: { closes: [4429] } };
    case 'oversized frame':
      return { ...base, family, frames: [{ text: `{"type":"ping","payload":{"x":"${'x'.repeat(MAX_BODY_BYTES + rnd.int(1, 65_536))}"}}` }], expect: { closes: [1009] } };
    case 'huge id': {
      const huge = 'i'.repeat(rnd.int(129, 200_000));
      return { ...base, family, frames: [{ text: subscribeFrame(huge, valid) }], expect: { closes: [4400] } };
    }
    case 'empty id':
      return { ...base, family, frames: [{ text: subscribeFrame('', valid) }], expect: { closes: [4400] } };
    case 'bad init payload':
      return { ...base, family, init: 'none', frames: [{ text: JSON.stringify({ type: 'connection_init', payload: rnd.pick([5, 'token', true, [1]]) }) }], expect: { closes: [4400] } };
    case 'bad ping payload':
      return { ...base, family, frames: [{ text: JSON.stringify({ type: rnd.pick(['ping', 'pong']), payload: rnd.pick([5, 'p', true]) }) }], expect: { closes: [4400] } };
    case 'wrong sub-protocol':
      return { ...base, family, init: 'none', protocol: rnd.pick([null, 'graphql-ws', 'graphql-transport-ws-2', rnd.string(rnd.int(1, 20), 'abcxyz-')]), frames: [], expect: { closes: [4406], handshakeRefused: true } };
    case 'bad token':
      return {
        ...base,
        family,
        init: 'none',
        frames: [{ text: JSON.stringify({ type: 'connection_init', payload: { authorization: rnd.pick([`Bearer ${rnd.string(rnd.int(0, 300), 'abcXYZ012.-_')}`, '', 'Basic abc', rnd.string(40, 'ab.')]) } }) }],
        expect: { closes: [4403] },
      };
    default: {
      // Framing only ws itself can see: a reserved opcode, RSV bits without an extension, an unmasked client
      // frame, a fragmented control frame, a control frame with a 16-bit length.
      const payload = rnd.bytes(rnd.int(0, 100));
      const frame = rnd.pick([
        rawFrame(0x80 | rnd.pick([0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf]), payload),
        rawFrame(0x80 | rnd.pick([0x40, 0x20, 0x10]) | 0x1, Buffer.from('{"type":"ping"}')),
        rawFrame(0x81, Buffer.from('{"type":"ping"}'), { mask: false }),
        rawFrame(0x09, payload.subarray(0, 10)),
        Buffer.concat([Buffer.from([0x89, 0x80 | 126, 0x00, 0x80]), Buffer.alloc(4), Buffer.alloc(128)]),
      ]);
      return { ...base, family: 'broken framing', frames: [{ raw: frame }], expect: { closes: [1002] } };
    }
  }
};

// ---- HTTP and SSE ----

const httpCase = (rnd: SeededRandom, roomId: string, token: string): HttpCase => {
  const accept = rnd.pick(['application/json', 'application/graphql-response+json', 'application/graphql-response+json, application/json']);
  const json = { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` };
  const post = (family: string, body: string | Buffer, expect: Expect, headers: Record<string, string> = json): HttpCase => ({ transport: 'http', family, method: 'POST', path: '/graphql', headers, body, expect });
  const family = rnd.pick([
    'document',
    'document',
    'document',
    'document',
    'SSE document',
    'GET document',
    'invalid JSON',
    'random bytes',
    'not an object',
    'wrong parameter type',
    'invalid UTF-8',
    'method',
    'content type',
    'accept',
    'mutation over GET',
    'oversized body',
    'bad token',
  ]);
  switch (family) {
    case 'document': {
      const document = hostileDocument(rnd, roomId);
      return post(`document: ${document.family}`, JSON.stringify(requestOf(document)), { codes: document.codes });
    }
    case 'SSE document': {
      const document = hostileDocument(rnd, roomId);
      return { ...post(`SSE document: ${document.family}`, JSON.stringify(requestOf(document)), { codes: document.codes }), transport: 'sse', headers: { ...json, accept: 'text/event-stream' } };
    }
    case 'GET document': {
      const document = hostileDocument(rnd, roomId);
      const query = new URLSearchParams({ query: document.query, ...(document.variables === undefined ? {} : { variables: JSON.stringify(document.variables) }) });
      const path = `/graphql?${query.toString()}`;
      // Mutations over GET are refused before anything else (405), and a URL over node's 16 KiB header limit
      // before the request reaches GraphQL (431); both are BAD_REQUEST.
      const codes = document.query.startsWith('mutation') || path.length > 15_000 ? [...document.codes, REQUEST] : document.codes;
      return { transport: 'http', family: `GET document: ${document.family}`, method: 'GET', path, headers: { accept, authorization: `Bearer ${token}` }, expect: { codes } };
    }
    case 'invalid JSON': {
      const whole = JSON.stringify({ query: 'query($r: ID!) { room(id: $r) { id } }', variables: { r: roomId } });
      return post(family, whole.slice(0, rnd.int(0, whole.length - 1)), { codes: [REQUEST] });
    }
    case 'random bytes':
      return post(family, rnd.bytes(rnd.int(1, 4_000)), { codes: [REQUEST] });
    case 'not an object':
      return post(family, rnd.pick(['null', '5', '"query"', 'true', '[]', '[{"query":"{ serverTime }"}]', '{}']), { codes: [REQUEST] });
    case 'wrong parameter type': {
      const wrong = rnd.pick<unknown>([5, true, ['x'], { a: 1 }]);
      const key = rnd.pick(['query', 'variables', 'operationName', 'extensions']);
      const body = { query: '{ serverTime }', [key]: key === 'query' || key === 'operationName' ? wrong : rnd.pick([5, true, 'text']) };
      // yoga does not check operationName's type: it names no operation, which is its own refusal.
      return post(family, JSON.stringify(body), { codes: key === 'operationName' ? [REQUEST, ErrorCode.OperationResolutionFailure] : [REQUEST] });
    }
    case 'invalid UTF-8': {
      const head = Buffer.from('{"query":"{ viewer { id ');
      const tail = Buffer.from(' } }"}');
      const bad = Buffer.from(rnd.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0x80, 0x80]]));
      // Inside the string the bytes decode to U+FFFD, which GraphQL cannot lex; outside it they break the JSON.
      return rnd.chance(0.5) ? post(family, Buffer.concat([head, bad, tail]), { codes: [PARSE] }) : post(family, Buffer.concat([bad, head, tail]), { codes: [REQUEST] });
    }
    case 'method':
      return { ...post(family, JSON.stringify({ query: '{ serverTime }' }), { codes: [REQUEST] }), method: rnd.pick(['PUT', 'DELETE', 'PATCH']) };
    case 'content type':
      return post(family, rnd.pick(['{"query":"{ serverTime }"}', 'query=%7B', '--xx\r\nrandom']), { codes: [REQUEST] }, {
        ...json,
        'content-type': rnd.pick(['text/plain', 'application/xml', 'image/png', 'multipart/form-data; boundary=xx', `application/${rnd.string(8, 'xyz')}`]),
      });
    case 'accept':
      return post(family, JSON.stringify({ query: '{ serverTime }' }), { codes: [REQUEST] }, { ...json, accept: rnd.pick(['image/png', 'text/html;q=0', 'application/xml']) });
    case 'mutation over GET':
      return { transport: 'http', family, method: 'GET', path: `/graphql?query=${encodeURIComponent(`mutation { setTyping(roomId: "${roomId}", typing: true) }`)}`, headers: { accept, authorization: `Bearer ${token}` }, expect: { codes: [REQUEST] } };
    case 'oversized body':
      return post(family, JSON.stringify({ query: `{ serverTime } # ${'x'.repeat(MAX_BODY_BYTES + rnd.int(1, 100_000))}` }), { codes: [ErrorCode.PayloadTooLarge] });
    default:
      return post(family, JSON.stringify({ query: '{ viewer { id } }' }), { codes: [ErrorCode.Unauthenticated] }, { ...json, authorization: `Bearer ${rnd.string(rnd.int(0, 200), 'abcXYZ.-_')}` });
  }
};

const rawHttpCase = (rnd: SeededRandom): RawHttpCase => {
  const family = rnd.pick(['header without colon', 'control character in header', 'bad request line', 'bad version', 'random bytes', 'huge header', 'bad chunk size']);
  const head = 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
  const text = ((): string | Buffer => {
    switch (family) {
      case 'header without colon':
        return `${head}X-Broken ${rnd.string(rnd.int(1, 40), 'abc ')}\r\n\r\n`;
      case 'control character in header':
        return Buffer.concat([Buffer.from(`${head}X-Bad: a`), Buffer.from([rnd.pick([0x00, 0x01, 0x7f, 0x0b])]), Buffer.from('b\r\n\r\n')]);
      case 'bad request line':
        return `${rnd.string(rnd.int(1, 20), 'ABC /?# ')}\r\nHost: x\r\n\r\n`;
      case 'bad version':
        return `POST /graphql HTTP/${rnd.int(2, 9)}.${rnd.int(0, 9)}x\r\nHost: x\r\n\r\n`;
      case 'random bytes':
        return Buffer.concat([rnd.bytes(rnd.int(1, 200)), Buffer.from('\r\n\r\n')]);
      case 'huge header':
        return `${head}X-Huge: ${'h'.repeat(rnd.int(17_000, 100_000))}\r\n\r\n`;
      default:
        return `${head}Transfer-Encoding: chunked\r\n\r\n${rnd.string(rnd.int(1, 10), 'xyz-')}\r\n{}\r\n0\r\n\r\n`;
    }
  })();
  return { transport: 'tcp', family, bytes: Buffer.from(text), expect: { codes: [REQUEST] } };
};

// ---- running a case ----

// ws keeps the TCP socket under a private name; framing errors can only be written below ws.
const tcpOf = (socket: WebSocket): Socket => (socket as unknown as { _socket: Socket })._socket;

const runWsCase = (wsUrl: string, token: string, c: WsCase): Promise<Outcome> =>
  new Promise((resolve) => {
    const socket = c.protocol === null ? new WebSocket(wsUrl) : new WebSocket(wsUrl, c.protocol);
    let opened = false;
    let settled = false;
    const seen: string[] = [];
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout', detail: `saw ${seen.join(' | ').slice(0, 300)}` }), CASE_TIMEOUT_MS);
    const sendFrames = () => {
      for (const frame of c.frames) {
        if ('text' in frame) socket.send(frame.text);
        else if ('binary' in frame) socket.send(frame.binary, { binary: true });
        else if ('textBytes' in frame) socket.send(frame.textBytes, { binary: false });
        else tcpOf(socket).write(frame.raw);
      }
    };
    socket.on('open', () => {
      opened = true;
      if (c.init === 'ack') socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      else sendFrames();
    });
    socket.on('error', (error) => {
      if (!opened) settle({ kind: 'handshake-refused', message: error.message });
    });
    socket.on('close', (code: number) => settle({ kind: 'close', code }));
    socket.on('message', (data) => {
      const text = String(data);
      seen.push(text.slice(0, 100));
      const message = JSON.parse(text) as { type?: unknown; id?: unknown; payload?: unknown };
      if (message.type === 'connection_ack' && c.init === 'ack') sendFrames();
      else if (message.id === c.id && (message.type === 'error' || message.type === 'next')) settle({ kind: 'message', message });
    });
  });

const errorsOfEventStream = (text: string): { errors: unknown[]; data: unknown } => {
  const payloads = text
    .split('\n')
    .filter((line) => line.startsWith('data:') && line.length > 'data:'.length + 1)
    .map((line) => JSON.parse(line.slice('data:'.length)) as { errors?: unknown[]; data?: unknown });
  return { errors: payloads.flatMap((payload) => payload.errors ?? []), data: payloads.find((payload) => payload.data != null)?.data };
};

const runHttpCase = async (origin: string, c: HttpCase): Promise<Outcome> => {
  try {
    const requestBody = typeof c.body === 'string' || c.body === undefined ? c.body : new Uint8Array(c.body);
    const response = await fetch(`${origin}${c.path}`, { method: c.method, headers: c.headers, body: requestBody, signal: AbortSignal.timeout(CASE_TIMEOUT_MS) });
    const text = await response.text();
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) return { kind: 'http', status: response.status, text, ...errorsOfEventStream(text) };
    const body = JSON.parse(text) as { errors?: unknown[]; data?: unknown };
    return { kind: 'http', status: response.status, errors: body.errors ?? [], data: body.data, text };
  } catch (error) {
    return { kind: 'timeout', detail: error instanceof Error ? error.message : String(error) };
  }
};

/** Writes the bytes, reads until the server closes, and reads the status line and JSON body of the answer. */
const runRawHttpCase = (port: number, c: RawHttpCase): Promise<Outcome> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(c.bytes));
    const timer = setTimeout(() => socket.destroy(new Error('no answer in time')), CASE_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset the connection while the request is still being written; what it answered counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? Number.NaN);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        const parsed = JSON.parse(body) as { errors?: unknown[]; data?: unknown };
        resolve({ kind: 'http', status, errors: parsed.errors ?? [], data: parsed.data, text });
      } catch {
        resolve({ kind: 'timeout', detail: `not a JSON answer: ${JSON.stringify(text.slice(0, 200))}` });
      }
    });
  });

/** Why the outcome does not answer the case as the README says it must; undefined when it does. */
const judge = (c: Case, outcome: Outcome): string | undefined => {
  const codedErrors = (errors: unknown[]): string | undefined => {
    if (errors.length === 0) return 'no errors';
    const codes = errors.map(codeOf);
    const bad = codes.filter((code) => typeof code !== 'string' || !KNOWN_CODES.has(code) || !(c.expect.codes ?? []).includes(code));
    return bad.length > 0 ? `codes ${JSON.stringify(codes)}, expected ${JSON.stringify(c.expect.codes)}` : undefined;
  };
  switch (outcome.kind) {
    case 'close':
      if (!ALLOWED_CLOSE_CODES.has(outcome.code)) return `close code ${outcome.code} is not an allowed one`;
      return c.expect.closes?.includes(outcome.code) ? undefined : `close ${outcome.code}, expected ${JSON.stringify(c.expect)}`;
    case 'handshake-refused':
      return c.expect.handshakeRefused ? undefined : `handshake refused: ${outcome.message}`;
    case 'message': {
      const { type, payload } = outcome.message;
      if (type === 'error' && Array.isArray(payload)) return codedErrors(payload);
      const result = payload as { errors?: unknown[]; data?: unknown } | undefined;
      if (type === 'next' && result?.data == null && Array.isArray(result?.errors)) return codedErrors(result.errors);
      return `answered ${JSON.stringify(outcome.message).slice(0, 200)}`;
    }
    case 'http':
      if (!(outcome.status >= 400 && outcome.status < 500) && !(outcome.status === 200 && c.transport !== 'tcp')) return `HTTP ${outcome.status}: ${outcome.text.slice(0, 200)}`;
      if (outcome.status >= 500) return `HTTP ${outcome.status}: ${outcome.text.slice(0, 200)}`;
      if (outcome.data != null) return `HTTP ${outcome.status} with data: ${outcome.text.slice(0, 200)}`;
      return codedErrors(outcome.errors);
    default:
      return `no answer: ${outcome.detail}`;
  }
};

const outcomeKey = (outcome: Outcome): string => {
  switch (outcome.kind) {
    case 'close':
      return `close ${outcome.code}`;
    case 'http':
      return `HTTP ${outcome.status} ${[...new Set(outcome.errors.map(codeOf))].join('/')}`;
    case 'message':
      return `${String(outcome.message.type)} message`;
    default:
      return outcome.kind;
  }
};

describe('malformed and hostile input', () => {
  let server: ServerProcess;
  let token: string;
  let roomId: string;
  before(async () => {
    server = await startServer();
    token = await tokenFor('fuzzer');
    roomId = (await createRoom(server.url, token, { name: 'fuzz' })).id;
  });
  after(() => server.stop());

  it(`answers ${CASES} seeded malformed frames and documents with coded errors or spec close codes, and keeps serving`, async (t) => {
    const rnd = seededRandom(SEED);
    const origin = new URL(server.url).origin;
    // Drawn up front, in order, so that the seed alone fixes every case whatever the concurrency.
    const cases: Case[] = Array.from({ length: CASES }, (): Case => {
      const draw = rnd.next();
      if (draw < 0.45) return wsCase(rnd, roomId);
      return draw < 0.95 ? httpCase(rnd, roomId, token) : rawHttpCase(rnd);
    });
    let stderr = '';
    server.child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    const failures: string[] = [];
    const tally = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < cases.length; index = next++) {
        const c = cases[index];
        if (!c) break;
        const outcome =
          c.transport === 'graphql-ws' ? await runWsCase(server.wsUrl, token, c) : c.transport === 'tcp' ? await runRawHttpCase(server.port, c) : await runHttpCase(origin, c);
        const key = `${c.transport} ${c.family.split(':')[0]} -> ${outcomeKey(outcome)}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        const why = judge(c, outcome);
        if (why !== undefined) failures.push(`case ${index} (seed ${SEED}), ${c.transport} ${c.family}: ${why}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    t.diagnostic([...tally].sort().map(([key, count]) => `${count} × ${key}`).join('\n'));
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${CASES} cases were not answered as documented`);

    // Nothing surfaced as a fault: no error-level log line, and nothing on stderr (where graphql-ws reports
    // the internal errors that close sockets with 4500).
    const errorLogs = server.output().filter((line) => !line.startsWith('{') || ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50);
    assert.deepEqual(errorLogs, []);
    assert.equal(stderr, '');
    // Still up and serving: the process runs, a query answers, a subscription delivers.
    assert.equal(server.child.exitCode, null);
    assert.equal(server.child.signalCode, null);
    assert.equal((await gqlData<{ viewer: { id: string } }>(server.url, { token, query: '{ viewer { id } }' })).viewer.id, 'fuzzer');
    const { room } = await gqlData<{ room: { headCursor: string } }>(server.url, { token, query: 'query($r: ID!) { room(id: $r) { headCursor } }', variables: { r: roomId } });
    const ws = connectWs(server.wsUrl, token);
    t.after(() => ws.dispose());
    // From the head cursor, so the message below arrives however late the subscription starts.
    const sub = ws.subscribe<{ messageAdded: { seq: number; body: string } }>('subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq body } }', {
      r: roomId,
      a: room.headCursor,
    });
    await sendMessage(server.url, token, { roomId, body: 'still serving' });
    // Nothing the fuzz sent was stored (every send in it was refused), so this is the room's first message.
    assert.deepEqual(await sub.waitForCount(1), [{ messageAdded: { seq: 1, body: 'still serving' } }]);
  });
});
