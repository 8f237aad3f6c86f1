// sdk_e2e.test.mjs: end-to-end test of `ebsmock serve` with the REAL Alibaba Cloud Node SDKs,
// driven through harness/drivers/node/driver.mjs (JSON lines), once per SDK variant.
// Run by ctest as: EBSMOCK_BINARY=<path to ebsmock> node --test tests/e2e/sdk_e2e.test.mjs
// Needs `npm ci` in harness/drivers/node. Only node:test/node:assert, no other deps.
// Per variant: Create (edge-case Description) -> created -> Start -> normal (+LastRecoverPoint)
// -> Stop -> stopped, Description round-trips; a wrong secret gives SignatureDoesNotMatch;
// the journal records every call with its signature verdict.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DRIVER_DIR = join(ROOT, 'harness/drivers/node');
const DRIVER = join(DRIVER_DIR, 'driver.mjs');
const SCENARIO = join(ROOT, 'tests/e2e/e2e_world.toml');
const BINARY = process.env.EBSMOCK_BINARY;
const VARIANTS = ['pop-core', 'pop-core-get', 'openapi-client', 'openapi-client-v2',
  'openapi-core', 'openapi-core-v2', 'openapi-core-retry'];
// Signature scheme each variant must produce (sdk-wire.md section 3), as the journal names it.
const SCHEME = { 'pop-core': 'v1', 'pop-core-get': 'v1', 'openapi-client': 'v3',
  'openapi-client-v2': 'v1', 'openapi-core': 'v3', 'openapi-core-v2': 'v1',
  'openapi-core-retry': 'v3' };
const REGION = 'cn-hangzhou';
const EDGE = "a b*c~d/e+f!g'h(i)j=k&l%m é中😀"; // space, * ~ / + ! ' ( ) and non-ASCII
const STEP = '5s'; // world time added between polls
const MAX_POLLS = 20; // 20 x 5s of world time; far beyond every [timing] entry

// ---- prerequisites: fail loudly with the fix, not with a stack trace -----------------------
function missingPrerequisite() {
  if (!BINARY) return 'EBSMOCK_BINARY is not set (path to the ebsmock executable)';
  if (!existsSync(BINARY)) return `EBSMOCK_BINARY=${BINARY} does not exist (build first)`;
  for (const m of ['@alicloud/pop-core', '@alicloud/openapi-client', '@alicloud/openapi-core']) {
    if (!existsSync(join(DRIVER_DIR, 'node_modules', m))) {
      return `node_modules is missing ${m}: run npm ci in harness/drivers/node`;
    }
  }
  return null;
}
const MISSING = missingPrerequisite();
test('prerequisites (EBSMOCK_BINARY, npm ci in harness/drivers/node)', () => {
  assert.equal(MISSING, null, MISSING ?? '');
});

// ---- child processes ----------------------------------------------------------------------
const withTimeout = (promise, ms, what) => {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timeout after ${ms}ms: ${what}`)), ms); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
};

// Stops a child: optional graceful step (SIGTERM / stdin EOF), then SIGKILL after 5 s.
async function stopChild(child, graceful = () => child.kill('SIGTERM')) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((res) => child.once('exit', res));
  graceful();
  try { await withTimeout(exited, 5000, 'child exit'); } catch { child.kill('SIGKILL'); await exited; }
}

// `ebsmock serve --port 0`: the first stdout line is "listening on http://HOST:PORT".
async function startServer() {
  const proc = spawn(BINARY, ['serve', '--port', '0', '--scenario', SCENARIO],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: proc.stdout });
  const url = await withTimeout(new Promise((res, rej) => {
    lines.once('line', (l) => {
      const m = /listening on (https?:\/\/\S+)/.exec(l);
      m ? res(m[1].replace(/\/$/, '')) : rej(new Error(`unexpected first line: ${l}`));
    });
    proc.once('exit', (code) => rej(new Error(`ebsmock serve exited (${code}) before listening`)));
    proc.once('error', rej);
  }), 10000, 'ebsmock serve to print "listening on"').catch((e) => {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\nserver stderr:\n${stderr}`);
  });
  lines.on('line', () => {}); // keep draining stdout
  return { proc, url, stderr: () => stderr };
}

// The JSON-lines driver; call() sends one request and resolves with its result line.
function startDriver(sdk, endpoint, secret = 'testsecret') {
  const proc = spawn(process.execPath, [DRIVER, '--sdk', sdk], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, EBSMOCK_ENDPOINT: endpoint, ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret, ALIBABA_CLOUD_REGION_ID: REGION },
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
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
  const call = (action, params, ms = 20000) => {
    if (exitNote) throw new Error(`${exitNote}\n${stderr}`);
    const id = nextId++;
    const result = new Promise((res) => pending.set(id, res));
    proc.stdin.write(JSON.stringify({ id, action, params }) + '\n');
    return withTimeout(result, ms, `${sdk} ${action} (driver stderr: ${stderr.slice(-500)})`);
  };
  return { proc, call, stderr: () => stderr };
}

// Admin API on the mock's port, with a bounded wait.
async function admin(url, method, path) {
  const res = await fetch(url + path, { method, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} -> HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const show = (r) => JSON.stringify(r);

// ---- journal: GET /__admin/journal (entry shape: mock/journal.cpp to_json) ---------------
// The endpoint answers {dropped, last_seq, entries:[{seq, kind:"request"|"progress", action,
// client_token, signature:{scheme, verdict}, status, code, ...}]}.
function journalRequests(j) {
  const list = j?.entries;
  assert.ok(Array.isArray(list), `journal is not a list: ${show(j).slice(0, 500)}`);
  return list.filter((e) => (e.kind ?? 'request') === 'request');
}
const verdictOf = (e) => e.signature?.verdict;

// ---- the scenario, once per SDK variant ---------------------------------------------------
for (const sdk of VARIANTS) {
  describe(`sdk ${sdk}`, { skip: MISSING ? 'prerequisites missing' : false }, () => {
    let server;
    let driver;
    let badDriver;
    let pairId;
    const calls = []; // actions sent through the good driver, for the journal check

    before(async () => {
      server = await startServer();
      driver = startDriver(sdk, server.url);
    });
    after(async () => {
      await stopChild(driver?.proc, () => driver.proc.stdin.end()); // EOF -> exit 0
      await stopChild(badDriver?.proc, () => badDriver.proc.stdin.end());
      await stopChild(server?.proc);
    });

    const call = async (action, params) => {
      calls.push(action);
      return driver.call(action, { RegionId: REGION, ...params });
    };
    const describePair = async () => {
      const r = await call('DescribeDiskReplicaPairs', { PairIds: pairId });
      assert.ok(r.ok, `DescribeDiskReplicaPairs failed: ${show(r)}`);
      assert.equal(r.body.ReplicaPairs?.length, 1, `expected exactly one pair: ${show(r.body)}`);
      return r.body.ReplicaPairs[0];
    };
    // Polls until pred(pair), advancing world time between polls; bounded by MAX_POLLS.
    const waitFor = async (pred, what) => {
      const seen = [];
      for (let i = 0; i < MAX_POLLS; i++) {
        const pair = await describePair();
        seen.push(pair.Status);
        if (pred(pair)) return pair;
        await admin(server.url, 'POST', `/__admin/clock/advance?by=${STEP}`);
      }
      assert.fail(`${sdk}: pair ${pairId} never became ${what}; statuses seen: ${seen.join(' -> ')}`);
    };

    test('CreateDiskReplicaPair with an edge-case Description', async () => {
      const r = await call('CreateDiskReplicaPair', {
        SourceZoneId: 'cn-hangzhou-h', DiskId: 'd-bp1src0001',
        DestinationRegionId: 'cn-shanghai', DestinationZoneId: 'cn-shanghai-e',
        DestinationDiskId: 'd-uf6dst0001', Description: EDGE, PairName: 'e2e-pair',
      });
      assert.ok(r.ok, `CreateDiskReplicaPair failed: ${show(r)}`);
      assert.match(String(r.body.ReplicaPairId), /^pair-/, show(r.body));
      pairId = r.body.ReplicaPairId;
    });

    test('pair leaves creating and reaches created', async () => {
      assert.ok(pairId, 'no pair: CreateDiskReplicaPair failed earlier');
      await waitFor((p) => p.Status === 'created', 'created');
    });

    test('StartDiskReplicaPair -> normal with LastRecoverPoint', async () => {
      assert.ok(pairId, 'no pair: CreateDiskReplicaPair failed earlier');
      const r = await call('StartDiskReplicaPair', { ReplicaPairId: pairId });
      assert.ok(r.ok, `StartDiskReplicaPair failed: ${show(r)}`);
      const pair = await waitFor((p) => p.Status === 'normal' && p.LastRecoverPoint != null,
        'normal with LastRecoverPoint');
      assert.ok(Number(pair.LastRecoverPoint) > 0, show(pair));
    });

    test('StopDiskReplicaPair -> stopped; Description round-trips exactly', async () => {
      assert.ok(pairId, 'no pair: CreateDiskReplicaPair failed earlier');
      const r = await call('StopDiskReplicaPair', { ReplicaPairId: pairId });
      assert.ok(r.ok, `StopDiskReplicaPair failed: ${show(r)}`);
      const pair = await waitFor((p) => p.Status === 'stopped', 'stopped');
      assert.equal(pair.Description, EDGE, 'Description did not survive the wire encoding');
      assert.equal(pair.PairName, 'e2e-pair');
    });

    test('a wrong AccessKeySecret surfaces SignatureDoesNotMatch', async () => {
      badDriver = startDriver(sdk, server.url, 'wrong-secret');
      const r = await badDriver.call('StopDiskReplicaPair',
        { RegionId: REGION, ReplicaPairId: pairId ?? 'pair-cn-none' });
      assert.equal(r.ok, false, `expected an error: ${show(r)}`);
      assert.equal(r.error.code, 'SignatureDoesNotMatch', show(r));
    });

    test('journal records every call with signature verdict ok', async () => {
      const entries = journalRequests(await admin(server.url, 'GET', '/__admin/journal'));
      const good = entries.filter((e) => verdictOf(e) === 'ok');
      // One journal entry per SDK call: no lost or duplicated sends (no faults, no retries).
      assert.deepEqual(good.map((e) => e.action), calls,
        `journal (ok verdicts) does not match the calls made: ${show(entries.slice(-3))}`);
      for (const e of good) {
        assert.equal(e.signature.scheme, SCHEME[sdk], `${e.action}: wrong signature scheme`);
      }
      for (const e of good.filter((x) => x.action !== 'DescribeDiskReplicaPairs')) {
        assert.ok(e.client_token, `${e.action}: the SDK/driver sent no ClientToken: ${show(e)}`);
      }
      const bad = entries.filter((e) => verdictOf(e) !== 'ok');
      assert.equal(bad.length, 1, `expected exactly the wrong-secret call: ${show(bad)}`);
      assert.equal(bad[0].action, 'StopDiskReplicaPair', show(bad[0]));
      assert.equal(bad[0].code, 'SignatureDoesNotMatch', show(bad[0]));
    });
  });
}
