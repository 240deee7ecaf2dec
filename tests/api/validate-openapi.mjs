// Checks an OpenAPI document (gateway/api/openapi.json, or what GET /api/v1/openapi.json serves).
//   node validate-openapi.mjs FILE             one line "FILE: valid OpenAPI 3.1.0, N operations" and exit 0, or every error and exit 1
//   node validate-openapi.mjs --negative FILE  exit 0 only if broken copies of FILE are rejected (the checks bite)
// Three layers: @seriousme/openapi-schema-validator against the official OpenAPI 3.1 schema (structure and
// $refs); every schema compiled by Ajv as JSON Schema 2020-12 in strict mode (the official schema does not look
// inside them); the project's own rules for operations (docs/api.md: operationId in camelCase, unique; summary;
// tags; responses with a success status).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(doc) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item?.[method]).map((method) => ({ path, method, operation: item[method] })));
}

// The official schema, through the validator written by others.
async function schemaErrors(doc) {
  const result = await new Validator().validate(structuredClone(doc));
  if (result.valid) return [];
  const errors = Array.isArray(result.errors) ? result.errors : [result.errors];
  return errors.map((e) => (typeof e === 'string' ? `openapi schema: ${e}`
    : `openapi schema: ${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`));
}

// Every Schema Object, compiled strictly, so that a misspelt keyword or type is an error rather than ignored.
function jsonSchemaErrors(doc) {
  const errors = [];
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  addFormats(ajv);
  // Refs inside the document point at #/components/schemas/X: serve those under one $id.
  const schemas = JSON.parse(JSON.stringify(doc.components?.schemas ?? {}).replaceAll('"#/components/schemas/', '"urn:dyndns-gateway:api#/$defs/'));
  try {
    ajv.addSchema({ $id: 'urn:dyndns-gateway:api', $defs: schemas });
  } catch (e) {
    return [`json schema: components/schemas: ${e.message}`];
  }
  for (const name of Object.keys(schemas)) {
    try { ajv.getSchema(`urn:dyndns-gateway:api#/$defs/${name}`); } catch (e) { errors.push(`json schema: components/schemas/${name}: ${e.message}`); }
  }
  // Inline schemas in parameters, bodies, responses and headers.
  const visit = (node, where) => {
    if (!node || typeof node !== 'object') return;
    if (where.includes('/components/schemas')) return;
    for (const [key, value] of Object.entries(node)) {
      const pointer = `${where}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === 'schema' && value && typeof value === 'object') {
        if (Object.keys(value).length === 1 && '$ref' in value) continue; // a component, compiled above
        const inline = JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"urn:dyndns-gateway:api#/$defs/'));
        try { ajv.compile(inline); } catch (e) { errors.push(`json schema: ${pointer}: ${e.message}`); }
      } else visit(value, pointer);
    }
  };
  visit(doc, '');
  return errors;
}

// What docs/api.md asks of every operation and the official schema leaves optional.
function projectErrors(doc) {
  const errors = [];
  const seen = new Map();
  for (const { path, method, operation } of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    const id = operation.operationId;
    if (typeof id !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(id)) errors.push(`rule: ${where}: operationId ${JSON.stringify(id)} is not camelCase`);
    else if (seen.has(id)) errors.push(`rule: ${where}: operationId ${id} is also ${seen.get(id)}`);
    else seen.set(id, where);
    if (!operation.summary) errors.push(`rule: ${where}: no summary`);
    if (!Array.isArray(operation.tags) || operation.tags.length === 0) errors.push(`rule: ${where}: no tags`);
    if (!Array.isArray(operation.security)) errors.push(`rule: ${where}: no security`);
    if (!operation.responses || typeof operation.responses !== 'object') errors.push(`rule: ${where}: no responses`);
    else if (!Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))) errors.push(`rule: ${where}: no success response`);
  }
  return errors;
}

async function check(doc) {
  const errors = await schemaErrors(doc);
  if (errors.length) return errors; // the other layers assume a well-formed document
  return [...jsonSchemaErrors(doc), ...projectErrors(doc)];
}

function usage() {
  console.error('usage: node validate-openapi.mjs [--negative] FILE');
  process.exit(2);
}

const args = process.argv.slice(2);
const negative = args[0] === '--negative';
if (negative) args.shift();
if (args.length !== 1 || args[0].startsWith('-')) usage();
const file = args[0];

let doc;
try {
  doc = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`${basename(file)}: ${e.message}`);
  process.exit(1);
}

if (!negative) {
  const errors = await check(doc);
  if (errors.length) {
    for (const error of errors) console.log(`${basename(file)}: ${error}`);
    console.log(`${basename(file)}: invalid, ${errors.length} error(s)`);
    process.exit(1);
  }
  console.log(`${basename(file)}: valid OpenAPI ${doc.openapi}, ${operations(doc).length} operations`);
  process.exit(0);
}

// --negative: the document itself must pass, and each broken copy must be refused by the layer named.
const baseline = await check(doc);
if (baseline.length) {
  for (const error of baseline) console.log(`${basename(file)}: ${error}`);
  console.log('negative: the document itself is invalid; nothing to prove');
  process.exit(1);
}
const ops = operations(doc);
const target = ops.find((o) => o.operation.operationId === 'putHost') ?? ops[0];
const op = (d) => d.paths[target.path][target.method];
const success = Object.keys(target.operation.responses).find((s) => /^2\d\d$/.test(s));
const where = `${target.method.toUpperCase()} ${target.path}`;
const mutations = [
  // OpenAPI 3.1 made an operation's responses optional, so the official schema accepts this copy; the
  // project's rule must refuse it.
  { what: `responses removed from ${where}`, layer: 'rule:', apply: (d) => { delete op(d).responses; } },
  { what: `responses of ${where} emptied`, layer: 'openapi schema:', apply: (d) => { op(d).responses = {}; } },
  { what: `description removed from ${where} ${success}`, layer: 'openapi schema:', apply: (d) => { delete op(d).responses[success].description; } },
  { what: `a $ref to a missing schema in ${where}`, layer: 'openapi schema:', apply: (d) => { op(d).responses[success] = { description: 'x', content: { 'application/json': { schema: { $ref: '#/components/schemas/NoSuchSchema' } } } }; } },
  { what: 'a schema type misspelt ("int")', layer: 'json schema:', apply: (d) => { d.components.schemas.Problem.properties.status.type = 'int'; } },
];
let failed = 0;
for (const { what, layer, apply } of mutations) {
  const copy = structuredClone(doc);
  apply(copy);
  const errors = await check(copy);
  const bitten = errors.some((e) => e.startsWith(layer));
  if (!bitten) failed++;
  console.log(`negative: ${what}: ${bitten ? `rejected (${errors.find((e) => e.startsWith(layer))})` : `NOT rejected by ${layer.slice(0, -1)}${errors.length ? ` (only: ${errors[0]})` : ''}`}`);
}
const schemaOnly = structuredClone(doc);
delete op(schemaOnly).responses;
const officialAccepts = (await schemaErrors(schemaOnly)).length === 0;
console.log(`negative: note: the official OpenAPI 3.1 schema alone ${officialAccepts ? 'accepts' : 'rejects'} an operation without responses`);
console.log(failed ? `negative: ${failed} of ${mutations.length} broken copies accepted` : `negative: all ${mutations.length} broken copies rejected`);
process.exit(failed ? 1 : 0);
