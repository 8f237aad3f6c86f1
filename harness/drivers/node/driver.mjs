// driver.mjs: ebsmock's JSON-lines driver for the REAL, unmodified Alibaba Cloud Node SDKs
// (@alicloud/pop-core, @alicloud/openapi-client, @alicloud/openapi-core). It reads one
// request per stdin line, makes the call exactly as an application/generated SDK would, and
// writes exactly one JSON result line per request to stdout (logs go to stderr only).
//
//   node driver.mjs --sdk <variant> [--region cn-hangzhou] [--verbose]
//   (--verbose, or EBSMOCK_DRIVER_VERBOSE=1, logs one stderr line per call)
//   variants: pop-core | pop-core-get | openapi-client | openapi-client-v2 |
//             openapi-client-autoretry | openapi-core | openapi-core-v2 | openapi-core-retry
//   env:   EBSMOCK_ENDPOINT=http://HOST:PORT, ALIBABA_CLOUD_ACCESS_KEY_ID,
//          ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_REGION_ID
//   in:    {"id":7,"action":"StopDiskReplicaPair","params":{"RegionId":"cn-hangzhou",...}}
//          optional "body":{...}: parameters for a form body beside the query, the split
//          Terraform's tea-rpc makes for drills (ebs-groups.md §2: Start*Drill sends GroupId/
//          PairId in the query and RegionId, ClientToken in the body). The openapi variants
//          send `params` as OpenApiRequest.query and `body` as OpenApiRequest.body (a form
//          body; V3 signs its hash, v2 signs query and body together as tea-rpc does).
//          pop-core cannot split: it merges both (POST: all in the body, GET: all in the query).
//          optional "call_id":"c7" (contract --concurrent): sent as the x-ebsmock-call-id header
//          on every attempt of the call, so the mock's journal names the call (every variant
//          lets a caller add a header: pop-core's request options, OpenApiRequest.headers;
//          it is not signed).
//   out:   {"id":7,"ok":true,"body":{...},"client_token":"..."}
//          {"id":7,"ok":false,"error":{"code":"...","status":403,"message":"...","request_id":"..."},
//           "client_token":"..."}
//          client_token: the ClientToken the call sent (absent when it sent none).
// ClientToken: when the request has none, the driver adds a fresh one (randomUUID) to the
// operations that take one (TOKEN_ACTIONS, contracts/operation.cpp accepts_client_token),
// in `body` if the request has a body, else in `params`; never to the others (Describe*,
// Clear*Drill, DescribeRegions, ListReplicaEdgeSupported) nor to unknown actions.
// Wire formats, errors and retry behaviour: /work/shared/reference/sdk-wire.md.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const API_VERSION = '2021-07-30';
const VARIANTS = ['pop-core', 'pop-core-get', 'openapi-client', 'openapi-client-v2',
  'openapi-client-autoretry', 'openapi-core', 'openapi-core-v2', 'openapi-core-retry'];
// The operations that take a ClientToken (ebs-groups.md §2; contracts/operation.cpp
// accepts_client_token; tests/harness/node_driver_tokens_test.cpp checks this list against
// it): every mutating operation but ClearPairDrill and ClearReplicaGroupDrill, plus
// ListTagResources (a read that takes one).
const TOKEN_ACTIONS = new Set([
  // BEGIN TOKEN_ACTIONS
  'CreateDiskReplicaPair', 'StartDiskReplicaPair', 'StopDiskReplicaPair',
  'FailoverDiskReplicaPair', 'ReprotectDiskReplicaPair', 'DeleteDiskReplicaPair',
  'ModifyDiskReplicaPair',
  'CreateDiskReplicaGroup', 'DeleteDiskReplicaGroup', 'ModifyDiskReplicaGroup',
  'StartDiskReplicaGroup', 'StopDiskReplicaGroup', 'FailoverDiskReplicaGroup',
  'ReprotectDiskReplicaGroup', 'AddDiskReplicaPair', 'RemoveDiskReplicaPair',
  'StartPairDrill', 'StartReplicaGroupDrill',
  'TagResources', 'UntagResources', 'ListTagResources', 'ChangeResourceGroup',
  // END TOKEN_ACTIONS
]);

// stdout carries the protocol only: anything an SDK might console.log goes to stderr.
// No prefix of our own: `ebsmock contract` prefixes every forwarded stderr line "[driver] ".
const log = (...a) => console.error(...a);
console.log = console.info = console.warn = console.debug = console.error;

function fail(msg) { log(msg); process.exit(2); }

// ---- command line and environment -------------------------------------------------------
let args;
try {
  args = parseArgs({ options: { sdk: { type: 'string' }, region: { type: 'string' },
    verbose: { type: 'boolean' } } }).values;
} catch (e) { fail(e.message); }
if (!VARIANTS.includes(args.sdk)) fail(`--sdk must be one of: ${VARIANTS.join(', ')}`);
const env = process.env;
const verbose = args.verbose || env.EBSMOCK_DRIVER_VERBOSE === '1';
const trace = (...a) => { if (verbose) log(...a); };
const region = args.region || env.ALIBABA_CLOUD_REGION_ID || 'cn-hangzhou';
const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
if (!env.EBSMOCK_ENDPOINT) fail('EBSMOCK_ENDPOINT is not set (e.g. http://127.0.0.1:8080)');
if (!accessKeyId || !accessKeySecret) fail('ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET are not set');
let endpointUrl;
try { endpointUrl = new URL(env.EBSMOCK_ENDPOINT); } catch { fail(`bad EBSMOCK_ENDPOINT ${env.EBSMOCK_ENDPOINT}`); }

// Loaded lazily so that only the selected SDK has to be present.
const sdkModules = {
  popCore: () => require('@alicloud/pop-core'),
  oaClient: () => require('@alicloud/openapi-client'),
  oaUtil: () => require('@alicloud/openapi-util').default,
  teaUtil: () => require('@alicloud/tea-util'),
  oaCore: () => require('@alicloud/openapi-core'),
  dara: () => require('@darabonba/typescript'),
};

// ---- one "call(action, params) -> body" function per SDK variant --------------------------
function makeCaller(sdk) {
  try {
    if (sdk.startsWith('pop-core')) return makePopCore(sdk === 'pop-core-get' ? 'GET' : 'POST');
    if (sdk.startsWith('openapi-client')) {
      return makeOpenApiClient(sdk.endsWith('-v2'), sdk.endsWith('-autoretry'));
    }
    return makeOpenApiCore(sdk.endsWith('-v2'), sdk.endsWith('-retry'));
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND') fail(`${e.message}\nrun "npm ci" in harness/drivers/node`);
    throw e;
  }
}

// pop-core: hand-written RPC client, v1 HMAC-SHA1; POST puts every param in the form body.
function makePopCore(method) {
  const RPCClient = sdkModules.popCore();
  const client = new RPCClient({ accessKeyId, accessKeySecret, endpoint: endpointUrl.origin,
    apiVersion: API_VERSION });
  // No query/body split in pop-core: `body` parameters join the others.
  return (action, params, body, headers) => client.request(action,
    body ? { ...params, ...body } : params, headers ? { method, headers } : { method });
}

// The Params/OpenApiRequest a generated product SDK builds for an RPC action.
const paramsFor = (action) => ({ action, version: API_VERSION, protocol: 'HTTP', method: 'POST',
  pathname: '/', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
const scheme = endpointUrl.protocol.replace(':', '');

// openapi-client 0.4.15 (Tea, TeaDSL/1): V3 ACS3-HMAC-SHA256 unless signatureAlgorithm 'v2'.
// autoretry: the documented RuntimeOptions retry switch, turned on as a careful user would
// (sdk-wire.md section 6 found it never retries; the contract harness shows it too).
function makeOpenApiClient(v2, autoretry) {
  const OpenApi = sdkModules.oaClient();
  const OpenApiUtil = sdkModules.oaUtil();
  const Util = sdkModules.teaUtil();
  const config = new OpenApi.Config({ accessKeyId, accessKeySecret, regionId: region,
    endpoint: endpointUrl.host, protocol: scheme });
  if (v2) config.signatureAlgorithm = 'v2';
  const client = new OpenApi.default(config);
  return async (action, params, body, headers) => {
    const req = new OpenApi.OpenApiRequest({ query: OpenApiUtil.query(params) });
    if (headers) req.headers = headers;
    if (body) req.body = body;  // flattened (OpenApiUtil.query) and form-encoded by the SDK
    const runtime = autoretry
      ? new Util.RuntimeOptions({ autoretry: true, maxAttempts: 3, backoffPolicy: 'fixed',
        backoffPeriod: 200 })
      : new Util.RuntimeOptions({});
    const res = await client.callApi(new OpenApi.Params(paramsFor(action)), req, runtime);
    return res.body;
  };
}

// openapi-core 1.0.8 (Darabonba, TeaDSL/2): same, plus the only working retry switch,
// Config.retryOptions (RuntimeOptions.autoretry is ignored; see sdk-wire.md section 7).
function makeOpenApiCore(v2, retry) {
  const core = sdkModules.oaCore();
  const $dara = sdkModules.dara();
  const { $OpenApiUtil, OpenApiUtil } = core;
  const config = new $OpenApiUtil.Config({ accessKeyId, accessKeySecret, regionId: region,
    endpoint: endpointUrl.host, protocol: scheme });
  if (v2) config.signatureAlgorithm = 'v2';
  if (retry) {
    // maxAttempts counts ALL attempts. Both arrays must be present on every condition, or
    // shouldRetry() crashes with a TypeError. Names: ex.name; codes: ex.code (server Code or
    // Node errno such as ECONNRESET, which arrives as a plain Error).
    config.retryOptions = new $dara.RetryOptions({
      retryable: true,
      retryCondition: [{
        maxAttempts: 3,
        exception: ['RequestTimeoutError', 'ServerError', 'ThrottlingError', 'SyntaxError'],
        errorCode: ['InternalError', 'RequestTimeout', 'ServiceUnavailable', 'ECONNRESET'],
        backoff: { policy: 'Fixed', period: 200 },
      }],
      noRetryCondition: [],
    });
  }
  const client = new core.default(config);
  return async (action, params, body, headers) => {
    const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(params) });
    if (headers) req.headers = headers;
    if (body) req.body = body;  // flattened (OpenApiUtil.query) and form-encoded by the SDK
    const res = await client.callApi(new $OpenApiUtil.Params(paramsFor(action)), req,
      new $dara.RuntimeOptions({}));
    return res.body;
  };
}

// ---- error normalisation ----------------------------------------------------------------
// err may be an Error, an SDK error object, or (pop-core + non-JSON body) a plain object
// {name:'SyntaxError', message, text} thrown by json-bigint.
function toError(err) {
  const e = err ?? {};
  const data = e.data && typeof e.data === 'object' ? e.data : {};
  // pop-core has no statusCode; it keeps the HTTP status in err.entry.response.statusCode.
  const status = e.statusCode ?? e.entry?.response?.statusCode;
  let code = e.code;
  if (e.name === 'RequestTimeoutError' && code == null) code = 'Timeout';
  if (code == null && e.name === 'SyntaxError') code = 'SyntaxError';
  if (code == null) code = e.name || 'Error';
  const out = { code: String(code) };
  if (typeof status === 'number') out.status = status;
  out.message = String(data.Message ?? e.message ?? e);
  const requestId = data.RequestId ?? e.requestId;
  if (requestId != null && requestId !== 'undefined') out.request_id = String(requestId);
  return out;
}

// ---- main loop: sequential, one output line per non-blank input line --------------------
const call = makeCaller(args.sdk);
const write = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

async function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
    if (!req || typeof req.action !== 'string') throw new Error('missing "action"');
  } catch (e) {
    return { id: req?.id ?? null, ok: false, error: { code: 'DriverBadRequest', message: e.message } };
  }
  const params = { ...(req.params ?? {}) };
  const form = req.body != null && typeof req.body === 'object' ? { ...req.body } : null;
  if (TOKEN_ACTIONS.has(req.action) && params.ClientToken == null && form?.ClientToken == null) {
    (form ?? params).ClientToken = randomUUID();
  }
  const token = form?.ClientToken ?? params.ClientToken;
  const extra = token != null ? { client_token: String(token) } : {};
  const headers = typeof req.call_id === 'string' && req.call_id !== ''
    ? { 'x-ebsmock-call-id': req.call_id } : null;
  const started = Date.now();
  try {
    const body = await call(req.action, params, form, headers);
    trace(`#${req.id} ${req.action} ok ${Date.now() - started}ms`);
    return { id: req.id ?? null, ok: true, body, ...extra };
  } catch (err) {
    trace(`#${req.id} ${req.action} failed ${Date.now() - started}ms: name=${err?.name}`,
      `code=${err?.code} message=${err?.message}`);
    return { id: req.id ?? null, ok: false, error: toError(err), ...extra };
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
for await (const line of rl) {
  if (line.trim() === '') continue;
  write(await handle(line));
}
// EOF: flush stdout, then exit 0 (keep-alive sockets must not hold the process open).
process.stdout.write('', () => process.exit(0));
