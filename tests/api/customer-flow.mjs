// A customer's calls to the JSON API, made by a generic client (openapi-client-axios) built at run time
// from the OpenAPI document the gateway served; every answer is also checked against that document's schemas.
//   node customer-flow.mjs --base https://127.0.0.1:PORT --ca CA.pem --token TOKEN --name home.example.test \
//     --spec openapi.json [--dry-run]
// One line a step; exit 1 at the first unexpected answer (its status and body printed), 0 after "checked N steps".
// --dry-run: parse the arguments, load the document, resolve every operationId used, and stop (no network).
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { OpenAPIClientAxios } from 'openapi-client-axios';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const USED = ['listHosts', 'putHost', 'getHost', 'batchHosts', 'getHostHistory', 'deleteHost'];

function fail(message) {
  console.log(`FAILED ${message}`);
  process.exit(1);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      strict: true,
      options: {
        base: { type: 'string' }, ca: { type: 'string' }, token: { type: 'string' }, name: { type: 'string' },
        spec: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    console.error(`customer-flow: ${e.message}`);
    process.exit(2);
  }
  const missing = ['base', 'ca', 'token', 'name', 'spec'].filter((key) => !parsed[key]);
  if (missing.length) {
    console.error(`customer-flow: missing ${missing.map((m) => `--${m}`).join(', ')}\n` +
      'usage: node customer-flow.mjs --base https://HOST:PORT --ca CA.pem --token TOKEN --name NAME --spec openapi.json [--dry-run]');
    process.exit(2);
  }
  let base;
  try { base = new URL(parsed.base); } catch { fail(`--base ${parsed.base}: not a URL`); }
  if (base.protocol !== 'https:') fail(`--base ${parsed.base}: not https`);
  return { ...parsed, base: parsed.base.replace(/\/+$/, ''), dryRun: parsed['dry-run'] };
}

// The document's response schemas, compiled once: `check(operation, status, contentType, body)` names what is
// wrong, or nothing when the answer is one the document describes.
function responseChecker(spec) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const id = 'urn:dyndns-gateway:api';
  const local = (value) => JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${id}#/$defs/`));
  ajv.addSchema({ $id: id, $defs: local(spec.components?.schemas ?? {}) });
  const resolve = (node) => {
    while (node?.$ref?.startsWith('#/')) {
      node = node.$ref.slice(2).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~')).reduce((n, k) => n?.[k], spec);
    }
    return node;
  };
  return (operation, status, contentType, body) => {
    const response = resolve(operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`] ?? operation.responses?.default);
    if (!response) return `status ${status} is not documented for ${operation.operationId}`;
    const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!response.content) return media && body !== '' ? `a ${media} body where the document has none` : null;
    const entry = response.content[media];
    if (!entry) return `content type ${JSON.stringify(contentType)}, the document has ${Object.keys(response.content).join(', ')}`;
    if (!entry.schema) return null;
    const validate = ajv.compile(local(entry.schema));
    if (validate(body)) return null;
    return `body does not match the document: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`;
  };
}

const opts = options();
let spec;
try {
  spec = JSON.parse(readFileSync(opts.spec, 'utf8'));
} catch (e) {
  fail(`--spec ${opts.spec}: ${e.message}`);
}
let ca;
try {
  ca = readFileSync(opts.ca);
} catch (e) {
  fail(`--ca ${opts.ca}: ${e.message}`);
}

const api = new OpenAPIClientAxios({
  definition: spec,
  axiosConfigDefaults: {
    baseURL: opts.base,
    httpsAgent: new https.Agent({ ca, keepAlive: false }),
    proxy: false, // never an HTTP(S)_PROXY from the environment
    timeout: 30000,
    headers: { Authorization: `Bearer ${opts.token}`, 'User-Agent': 'dyndns-api-customer-flow' },
    validateStatus: () => true, // every status is inspected here, none thrown
    responseType: 'text', // parsed below, so that a body that is not JSON is seen as such
    transformResponse: [(data) => data],
  },
});
let client;
try {
  client = await api.init();
} catch (e) {
  fail(`the client could not be built from ${opts.spec}: ${e.message}`);
}
const operations = Object.fromEntries(api.getOperations().filter((o) => o.operationId).map((o) => [o.operationId, o]));
const unresolved = USED.filter((id) => !operations[id] || typeof client[id] !== 'function');
if (unresolved.length) fail(`${opts.spec}: no operation ${unresolved.join(', ')}`);
let check;
try {
  check = responseChecker(spec);
} catch (e) {
  fail(`${opts.spec}: its schemas do not compile: ${e.message}`);
}

if (opts.dryRun) {
  const samples = {
    listHosts: [], putHost: [{ name: opts.name }, {}], getHost: [{ name: opts.name }], batchHosts: [null, {}],
    getHostHistory: [{ name: opts.name, page: 0 }], deleteHost: [{ name: opts.name }],
  };
  for (const id of USED) {
    const config = api.getAxiosConfigForOperation(id, samples[id]);
    const url = new URL(client.getUri(config));
    console.log(`dry-run: ${id} -> ${config.method.toUpperCase()} ${url.pathname}${url.search}`);
  }
  console.log(`dry-run: ${USED.length} operations resolved from ${opts.spec} (${api.getOperations().length} in all); base ${opts.base}, CA ${opts.ca}`);
  process.exit(0);
}

let steps = 0;
// One call by operationId; the answer's status must be `status` and its body what the document says.
async function call(step, id, args, status) {
  let response;
  try {
    response = await client[id](...args);
  } catch (e) {
    fail(`${step}: ${id}: ${e.code ?? ''} ${e.message}`);
  }
  const contentType = response.headers['content-type'];
  let body = response.data;
  if (typeof body === 'string' && body !== '' && /json/i.test(contentType ?? '')) {
    try { body = JSON.parse(body); } catch (e) { fail(`${step}: ${id}: ${response.status} ${contentType}: not JSON (${e.message}): ${response.data}`); }
  }
  const show = () => `${response.status} ${contentType ?? '(no content type)'} ${typeof body === 'string' ? body : JSON.stringify(body)}`;
  if (response.status !== status) fail(`${step}: ${id}: expected ${status}, got ${show()}`);
  const wrong = check(operations[id], response.status, contentType, body);
  if (wrong) fail(`${step}: ${id}: ${wrong}; got ${show()}`);
  return { body, contentType, show };
}
function expect(step, id, answer, condition, what) {
  if (!condition) fail(`${step}: ${id}: expected ${what}; got ${answer.show()}`);
}
function passed(step, id, what) {
  steps++;
  console.log(`ok ${step}: ${id}: ${what}`);
}

const name = opts.name;
const path = { name };

{
  const answer = await call('a', 'listHosts', [], 200);
  expect('a', 'listHosts', answer, answer.body.hosts.some((h) => h.name === name), `${name} among hosts[].name`);
  passed('a', 'listHosts', `200, ${name} among ${answer.body.hosts.length} host(s)`);
}
{
  const answer = await call('b', 'putHost', [path, { a: ['192.0.2.10'] }], 200);
  expect('b', 'putHost', answer, answer.body.changed === true, 'changed true');
  expect('b', 'putHost', answer, isDeepStrictEqual(answer.body.a, ['192.0.2.10']), 'a ["192.0.2.10"]');
  passed('b', 'putHost', '200, a ["192.0.2.10"], changed true');
}
{
  const answer = await call('c', 'putHost', [path, { a: ['192.0.2.10'] }], 200);
  expect('c', 'putHost', answer, answer.body.changed === false, 'changed false');
  expect('c', 'putHost', answer, isDeepStrictEqual(answer.body.a, ['192.0.2.10']), 'a ["192.0.2.10"]');
  passed('c', 'putHost', '200, the same again: changed false');
}
{
  const answer = await call('d', 'getHost', [path], 200);
  expect('d', 'getHost', answer, isDeepStrictEqual(answer.body.a, ['192.0.2.10']), 'a ["192.0.2.10"]');
  passed('d', 'getHost', '200, a ["192.0.2.10"]');
}
{
  const answer = await call('e', 'putHost', [path, { aaaa: ['2001:db8::10'] }], 200);
  expect('e', 'putHost', answer, answer.body.changed === true, 'changed true');
  expect('e', 'putHost', answer, isDeepStrictEqual(answer.body.aaaa, ['2001:db8::10']), 'aaaa ["2001:db8::10"]');
  expect('e', 'putHost', answer, isDeepStrictEqual(answer.body.a, ['192.0.2.10']), 'a left ["192.0.2.10"] (no "a" key sent)');
  passed('e', 'putHost', '200, aaaa ["2001:db8::10"], changed true, a left as it was');
}
{
  const answer = await call('f', 'batchHosts', [null, { hosts: [{ name, a: ['192.0.2.11'] }] }], 200);
  const [host] = answer.body.hosts;
  expect('f', 'batchHosts', answer, answer.body.hosts.length === 1 && host.name === name, `one host, ${name}`);
  expect('f', 'batchHosts', answer, host.changed === true, 'hosts[0].changed true');
  expect('f', 'batchHosts', answer, isDeepStrictEqual(host.previous.a, ['192.0.2.10']), 'hosts[0].previous.a ["192.0.2.10"]');
  expect('f', 'batchHosts', answer, isDeepStrictEqual(host.a, ['192.0.2.11']), 'hosts[0].a ["192.0.2.11"]');
  passed('f', 'batchHosts', '200, a ["192.0.2.11"], changed true, previous.a ["192.0.2.10"]');
}
{
  const answer = await call('g', 'getHostHistory', [{ name, page: 0 }], 200);
  const rows = answer.body.history;
  expect('g', 'getHostHistory', answer, rows.length >= 3, 'at least 3 rows');
  const times = rows.map((r) => Date.parse(r.time));
  expect('g', 'getHostHistory', answer, times.every((t) => !Number.isNaN(t)), 'every time a date');
  expect('g', 'getHostHistory', answer, times.every((t, i) => i === 0 || times[i - 1] >= t), 'newest first');
  passed('g', 'getHostHistory', `200, ${rows.length} rows, newest first`);
}
{
  const answer = await call('h', 'deleteHost', [path], 200);
  expect('h', 'deleteHost', answer, isDeepStrictEqual(answer.body.a, []) && isDeepStrictEqual(answer.body.aaaa, []), 'a [] and aaaa []');
  passed('h', 'deleteHost', '200, a [] and aaaa []');
}
{
  const answer = await call('i', 'putHost', [path, { a: ['not-an-address'] }], 422);
  expect('i', 'putHost', answer, /^application\/problem\+json\s*(;|$)/i.test(answer.contentType ?? ''), 'content type application/problem+json');
  expect('i', 'putHost', answer, answer.body.fault === 4 && answer.body.status === 422, 'fault 4, status 422');
  passed('i', 'putHost', '422 application/problem+json, fault 4');
}
console.log(`checked ${steps} steps`);
