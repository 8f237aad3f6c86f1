// e2e_support.mjs: what the end-to-end suites share: `ebsmock serve` and the JSON-lines
// Node driver (harness/drivers/node/driver.mjs) as child processes, the admin API, the
// journal, and the documented success shapes. Only node: built-ins.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DRIVER_DIR = join(ROOT, 'harness/drivers/node');
export const DRIVER = join(DRIVER_DIR, 'driver.mjs');
// README's "Driver protocol" driver (pop-core POST); startDriver('minimal', ...) runs it.
export const MINIMAL_DRIVER = join(DRIVER_DIR, 'minimal-driver.mjs');
export const SCENARIO = join(ROOT, 'tests/e2e/e2e_world.toml');
export const BINARY = process.env.EBSMOCK_BINARY;
export const REGION = 'cn-hangzhou';

// Every real Node SDK variant of driver.mjs the suite runs (openapi-client-autoretry is
// openapi-client on the wire).
export const VARIANTS = ['pop-core', 'pop-core-get', 'openapi-client', 'openapi-client-v2',
  'openapi-core', 'openapi-core-v2', 'openapi-core-retry'];
// Signature scheme each variant must produce (sdk-wire.md section 3), as the journal names it.
export const SCHEME = { 'pop-core': 'v1', 'pop-core-get': 'v1', 'openapi-client': 'v3',
  'openapi-client-v2': 'v1', 'openapi-core': 'v3', 'openapi-core-v2': 'v1',
  'openapi-core-retry': 'v3' };

// ---- prerequisites: fail loudly with the fix, not with a stack trace -----------------------
export function missingPrerequisite() {
  if (!BINARY) return 'EBSMOCK_BINARY is not set (path to the ebsmock executable)';
  if (!existsSync(BINARY)) return `EBSMOCK_BINARY=${BINARY} does not exist (build first)`;
  for (const m of ['@alicloud/pop-core', '@alicloud/openapi-client', '@alicloud/openapi-core']) {
    if (!existsSync(join(DRIVER_DIR, 'node_modules', m))) {
      return `node_modules is missing ${m}: run npm ci in harness/drivers/node`;
    }
  }
  return null;
}

// ---- child processes ----------------------------------------------------------------------
export const withTimeout = (promise, ms, what) => {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timeout after ${ms}ms: ${what}`)), ms); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
};

// Stops a child: optional graceful step (SIGTERM / stdin EOF), then SIGKILL after 5 s.
export async function stopChild(child, graceful = () => child.kill('SIGTERM')) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((res) => child.once('exit', res));
  graceful();
  try { await withTimeout(exited, 5000, 'child exit'); } catch { child.kill('SIGKILL'); await exited; }
}

// `ebsmock serve --port 0`: the first stdout line is "listening on http://HOST:PORT".
export async function startServer(scenario = SCENARIO, extraArgs = []) {
  return startListening(['serve', '--port', '0', '--scenario', scenario, ...extraArgs]);
}

// Any ebsmock command that listens (`serve`, `record`) and announces itself with the
// "listening on" line; `env` replaces the environment. Also returns everything it wrote
// (stdout(), stderr() keep the last 4000 characters, output() keeps it all).
export async function startListening(args, { env = process.env } = {}) {
  const proc = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  let all = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); all += d; });
  proc.stdout.on('data', (d) => { all += d; });
  const lines = createInterface({ input: proc.stdout });
  const url = await withTimeout(new Promise((res, rej) => {
    lines.once('line', (l) => {
      const m = /listening on (https?:\/\/\S+)/.exec(l);
      m ? res(m[1].replace(/\/$/, '')) : rej(new Error(`unexpected first line: ${l}`));
    });
    proc.once('exit', (code) => rej(new Error(`ebsmock ${args[0]} exited (${code}) before listening`)));
    proc.once('error', rej);
  }), 10000, `ebsmock ${args[0]} to print "listening on"`).catch((e) => {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\nserver stderr:\n${stderr}`);
  });
  lines.on('line', () => {}); // keep draining stdout
  return { proc, url, stderr: () => stderr, output: () => all };
}

// The JSON-lines driver (sdk 'minimal': minimal-driver.mjs); call() sends one request and
// resolves with its result line.
// `body` (optional) goes in the request line's "body" member: a form body beside the query
// (driver.mjs header).
// `env` adds variables (DEBUG=httpx:* for the SDKs' debug log); `stderrFd` sends the
// driver's whole stderr to that file descriptor instead of keeping its tail.
export function startDriver(sdk, endpoint, secret = 'testsecret', { env = {}, stderrFd } = {}) {
  const argv = sdk === 'minimal' ? [MINIMAL_DRIVER] : [DRIVER, '--sdk', sdk];
  const proc = spawn(process.execPath, argv, {
    stdio: ['pipe', 'pipe', stderrFd ?? 'pipe'],
    env: { ...process.env, EBSMOCK_ENDPOINT: endpoint, ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret, ALIBABA_CLOUD_REGION_ID: REGION, ...env },
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const pending = new Map();
  let exitNote = null;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    let msg;
    try { msg = JSON.parse(line); } catch { // anything but protocol JSON on stdout is a driver bug
      msg = { id: nextId - 1, ok: false, error: { code: 'DriverBadOutput', message: line } };
    }
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  proc.once('exit', (code, sig) => {
    exitNote = `driver exited code=${code} signal=${sig}`;
    for (const r of pending.values()) r({ ok: false, error: { code: 'DriverExited', message: `${exitNote}\n${stderr}` } });
    pending.clear();
  });
  let nextId = 1;
  const call = (action, params, ms = 20000, body = undefined) => {
    if (exitNote) throw new Error(`${exitNote}\n${stderr}`);
    const id = nextId++;
    const result = new Promise((res) => pending.set(id, res));
    const line = body === undefined ? { id, action, params } : { id, action, params, body };
    proc.stdin.write(JSON.stringify(line) + '\n');
    return withTimeout(result, ms, `${sdk} ${action} (driver stderr: ${stderr.slice(-500)})`);
  };
  return { proc, call, stderr: () => stderr };
}

// Runs `history` ([action, params] pairs) through one driver process, in order; resolves
// with every result line. `options` as for startDriver.
export async function runCalls(sdk, url, history, options = {}) {
  const driver = startDriver(sdk, url, 'testsecret', options);
  try {
    const out = [];
    for (const [action, params] of history) out.push(await driver.call(action, params));
    return out;
  } finally {
    await stopChild(driver.proc, () => driver.proc.stdin.end());
  }
}

// Admin API on the mock's port, with a bounded wait.
export async function admin(url, method, path) {
  const res = await fetch(url + path, { method, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} -> HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export const show = (r) => JSON.stringify(r);

// ---- journal: GET /__admin/journal (entry shape: mock/journal.cpp to_json) ---------------
// The endpoint answers {dropped, last_seq, entries:[{seq, kind:"request"|"progress", action,
// client_token, signature:{scheme, verdict}, status, code, ...}]}.
export function journalRequests(j) {
  const list = j?.entries;
  assert.ok(Array.isArray(list), `journal is not a list: ${show(j).slice(0, 500)}`);
  return list.filter((e) => (e.kind ?? 'request') === 'request');
}
export const verdictOf = (e) => e.signature?.verdict;

// ---- a recording (and optionally rewriting) proxy ----------------------------------------
// Forwards every request as it came: method, target, headers (Host included, so V3
// signatures still verify) and body, chunked again when it came chunked. Records each
// exchange as {method, url, headers, body, status, answer} in `exchanges` (what is on the
// wire: which parameters were in the query and which in the form body), and lets
// rewrite(action, json) replace the JSON answer of an API call, to show that a check fails
// when a server misbehaves. Returns {url, exchanges, close}.
export async function startProxy(target, { rewrite = () => undefined } = {}) {
  const upstream = new URL(target);
  const exchanges = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
      delete headers['transfer-encoding'];
      if (chunked) delete headers['content-length'];
      const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method,
        path: req.url, headers, agent: false }, (ur) => {
        const parts = [];
        ur.on('data', (c) => parts.push(c));
        ur.on('end', () => {
          let out = Buffer.concat(parts);
          const action = req.headers['x-acs-action'];
          let answer;
          try { answer = JSON.parse(out.toString('utf8')); } catch { answer = undefined; }
          if (action && answer !== undefined) {
            const replaced = rewrite(action, structuredClone(answer));
            if (replaced !== undefined) { answer = replaced; out = Buffer.from(JSON.stringify(replaced)); }
          }
          exchanges.push({ method: req.method, url: req.url, headers: req.headers,
            body: body.toString('utf8'), status: ur.statusCode, answer });
          const h = { ...ur.headers, 'content-length': String(out.length) };
          delete h['transfer-encoding'];
          res.writeHead(ur.statusCode, h);
          res.end(out);
        });
      });
      up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      if (chunked) { up.write(body); up.end(); } else { up.end(body); }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, exchanges,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}

// The API parameters of a recorded exchange, split by where they travelled: query / form body
// (protocol parameters such as Action, Signature*, Timestamp left out).
const PROTOCOL = new Set(['Action', 'Version', 'Format', 'AccessKeyId', 'Signature',
  'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'SignatureType', 'Timestamp',
  'SecurityToken']);
export function placementOf(exchange) {
  const names = (text) => [...new URLSearchParams(text).keys()].filter((k) => !PROTOCOL.has(k)).sort();
  const q = exchange.url.indexOf('?');
  return { query: q < 0 ? [] : names(exchange.url.slice(q + 1)), body: names(exchange.body) };
}
