// trace_roundtrip_e2e.test.mjs: issue 11's must-be-true #2 for three artefact kinds. A real
// Node SDK runs a faulty history (throttling, an ambiguous 504 that was applied, a 403, a
// connection reset) against `ebsmock serve`; the artefact is captured the way a customer
// would (the journal via --journal-file; the SDK's own DEBUG=httpx:* log on stderr; a HAR
// written by Debian's mitmproxy in front of the service, through har_dump.py), then
// `ebsmock import-trace --base WORLD` makes a scenario, `ebsmock lint` passes it, and the
// same client calls against `ebsmock serve --scenario` of it get the same statuses, codes
// and bodies (RequestIds aside where the artefact has no bodies) in the same order; the
// pair ends in the same status. No sleeps: the virtual clock never moves here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { BINARY, REGION, ROOT, admin, missingPrerequisite, runCalls, show, startServer, stopChild,
  withTimeout } from './e2e_support.mjs';

const WORLD = join(ROOT, 'tests/e2e/trace_roundtrip_world.toml');
const PAIR = 'pair-cn-7xk2m9d1q8w3e5r0';
const HISTORY = [
  ['DescribeDiskReplicaPairs', { RegionId: REGION, PairIds: PAIR }],                       // 400 Throttling.User
  ['DescribeDiskReplicaPairs', { RegionId: REGION, PairIds: PAIR }],                       // 200 normal
  ['StopDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rt-stop-1' }],   // 504, applied
  ['StopDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rt-stop-2' }],   // 403 InvalidStatus
  ['StartDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rt-start-1' }], // reset
  ['DescribeDiskReplicaPairs', { RegionId: REGION, PairIds: PAIR }],                       // 200 stopping
];
// What each call must have met in the original run, so the history is the faulty one.
const EXPECTED = ['Throttling.User', 'ok', 'RequestTimeout', 'OperationDenied.InvalidStatus', 'ECONNRESET', 'ok'];

const skip = missingPrerequisite() ?? false;
let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'ebsmock-roundtrip-')); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

// What the client saw, without what differs per run when the artefact lacks it.
function seen(result, { keepRequestId }) {
  if (result.ok) {
    const body = { ...result.body };
    if (!keepRequestId) delete body.RequestId;
    return { ok: true, body };
  }
  const { code, status, message } = result.error;
  // A transport error's message names the URL, whose port differs per run.
  return status === undefined || status === null ? { ok: false, code } : { ok: false, code, status, message };
}

const runHistory = (sdk, url, options = {}) => runCalls(sdk, url, HISTORY, options);

const pairStatus = async (url) => (await admin(url, 'GET', '/__admin/pairs')).pairs.find((p) => p.ReplicaPairId === PAIR)?.Status;
const ebsmock = (...args) => execFileSync(BINARY, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function replay(caseFile, sdk) {
  ebsmock('lint', caseFile);  // throws on findings
  const server = await startServer(caseFile);
  try {
    const results = await runHistory(sdk, server.url);
    const replayState = await admin(server.url, 'GET', '/__admin/replay');
    return { results, status: await pairStatus(server.url), replayState };
  } finally {
    await stopChild(server.proc);
  }
}

function outcomes(results) {
  return results.map((r) => (r.ok ? 'ok' : r.error.code));
}

test('journal: captured with --journal-file, imported, served: the same answers (openapi-core, V3)', { skip }, async () => {
  const journal = join(dir, 'journal.jsonl');
  const server = await startServer(WORLD, ['--journal-file', journal]);
  let original, originalStatus;
  try {
    original = await runHistory('openapi-core', server.url);
    originalStatus = await pairStatus(server.url);
  } finally {
    await stopChild(server.proc);
  }
  assert.deepEqual(outcomes(original), EXPECTED, show(original));

  const caseFile = join(dir, 'journal-case.toml');
  ebsmock('import-trace', journal, '--base', WORLD, '-o', caseFile);
  const again = await replay(caseFile, 'openapi-core');
  assert.deepEqual(again.results.map((r) => seen(r, { keepRequestId: false })),
    original.map((r) => seen(r, { keepRequestId: false })));
  assert.equal(again.status, originalStatus);
  assert.equal(originalStatus, 'stopping');
  assert.equal(again.replayState.mismatches?.length ?? 0, 0, show(again.replayState));
  assert.ok(!readFileSync(caseFile, 'utf8').includes('testsecret-not-here'));
});

test('Node DEBUG=httpx:* log: captured from stderr, imported, served: the same answers (pop-core, V1)', { skip }, async () => {
  const log = join(dir, 'httpx.log');
  const server = await startServer(WORLD);
  let original;
  const fd = openSync(log, 'w');
  try {
    original = await runHistory('pop-core', server.url, { env: { DEBUG: 'httpx:*' }, stderrFd: fd });
  } finally {
    closeSync(fd);
    await stopChild(server.proc);
  }
  assert.deepEqual(outcomes(original), EXPECTED, show(original));
  const text = readFileSync(log, 'utf8');
  assert.match(text, /httpx:header > POST \/ HTTP\/1\.1/);
  assert.match(text, /Signature=/);  // the artefact does carry the secret-bearing fields

  const caseFile = join(dir, 'httpx-case.toml');
  ebsmock('import-trace', log, '--base', WORLD, '--infer-commits', '-o', caseFile);
  const scenario = readFileSync(caseFile, 'utf8');
  assert.ok(!/Signature=|SignatureNonce =|AccessKeyId =/.test(scenario), 'a signature field reached the scenario');
  const again = await replay(caseFile, 'pop-core');
  // pop-core logs every body, so the replay answers them byte for byte, RequestIds too.
  assert.deepEqual(again.results.map((r) => seen(r, { keepRequestId: true })),
    original.map((r) => seen(r, { keepRequestId: true })));
  // The last Describe, as the client saw it, says where the pair ended.
  assert.equal(again.results.at(-1).body.ReplicaPairs?.[0]?.Status ?? again.results.at(-1).body.ReplicaPairs?.ReplicaPair?.[0]?.Status,
    original.at(-1).body.ReplicaPairs?.[0]?.Status ?? original.at(-1).body.ReplicaPairs?.ReplicaPair?.[0]?.Status);
  // And so does the replayed world: that Describe proves the 504'd Stop was applied
  // (--infer-commits), so the mock applied it too.
  assert.equal(again.status, 'stopping');
});

// ---- HAR through a proxy --------------------------------------------------------------------
const MITMDUMP = 'mitmdump';
const hasMitmdump = () => spawnSync(MITMDUMP, ['--version'], { stdio: 'ignore' }).status === 0;

// mitmdump as a reverse proxy in front of `target`, keeping the client's Host header (so a
// V3 signature, which covers it, still verifies upstream) and writing every flow to `har`.
async function startMitmdump(target, har) {
  const proc = spawn(MITMDUMP, ['--mode', `reverse:${target}`, '--listen-host', '127.0.0.1',
    '--listen-port', '0', '--set', 'keep_host_header=true', '-s', join(ROOT, 'tests/e2e/har_dump.py'),
    '--set', `hardump=${har}`, '--set', 'flow_detail=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: proc.stdout });
  const port = await withTimeout(new Promise((res, rej) => {
    lines.on('line', (l) => {
      const m = /listening at \S+:(\d+)/.exec(l);
      if (m) res(m[1]);
    });
    proc.once('exit', (code) => rej(new Error(`mitmdump exited (${code}): ${stderr}`)));
  }), 15000, 'mitmdump to listen').catch((e) => { proc.kill('SIGKILL'); throw e; });
  return { proc, url: `http://127.0.0.1:${port}` };
}

// The history through mitmdump in front of the server of `scenario`; resolves with what the
// client saw and the pair's status at the end.
async function throughProxy(scenario, har, sdk) {
  const server = await startServer(scenario);
  let proxy;
  try {
    proxy = await startMitmdump(server.url, har);
    const results = await runHistory(sdk, proxy.url);
    return { results, status: await pairStatus(server.url), replayState: await admin(server.url, 'GET', '/__admin/replay') };
  } finally {
    await stopChild(proxy?.proc);
    await stopChild(server.proc);
  }
}

test('HAR from mitmproxy in front of the service: imported, served: the same answers (openapi-core, V3)',
  { skip: skip || (!hasMitmdump() && 'mitmdump is not installed (Debian package mitmproxy)') }, async () => {
    const har = join(dir, 'capture.har');
    const original = await throughProxy(WORLD, har, 'openapi-core');
    // Through a proxy the reset reaches the client as mitmproxy's 502 HTML page, which
    // openapi-core fails to parse as JSON (SyntaxError), as it would for a customer's tool
    // behind the proxy; the HAR records the call as status 0 (no response) with `_error`.
    assert.deepEqual(outcomes(original.results), [...EXPECTED.slice(0, 4), 'SyntaxError', 'ok'],
      show(original.results));
    assert.equal(original.status, 'stopping');

    const capture = JSON.parse(readFileSync(har, 'utf8'));
    const entries = capture.log.entries;
    assert.equal(entries.length, HISTORY.length, show(entries.map((e) => e.response.status)));
    assert.deepEqual(entries.map((e) => e.response.status), [400, 200, 504, 403, 0, 200]);
    assert.ok(entries.some((e) => e.request.headers.some((h) => /^authorization$/i.test(h.name))),
      'the capture carries the Authorization header a real HAR would');

    const caseFile = join(dir, 'har-case.toml');
    ebsmock('import-trace', har, '--base', WORLD, '--infer-commits', '-o', caseFile);
    const scenario = readFileSync(caseFile, 'utf8');
    // (The [[credential]] in it is the --base world's test key, not the capture's.)
    assert.ok(!/ACS3-HMAC-SHA256|Credential=|Signature=|signature-nonce/i.test(scenario),
      'the capture\'s Authorization header reached the scenario');
    ebsmock('lint', caseFile);
    const again = await throughProxy(caseFile, join(dir, 'replay.har'), 'openapi-core');
    // The HAR holds every answer's body, RequestIds included: the replay answers them byte
    // for byte, and the reset is a reset again (the same proxy error to the client).
    assert.deepEqual(again.results.map((r) => seen(r, { keepRequestId: true })),
      original.results.map((r) => seen(r, { keepRequestId: true })));
    assert.equal(again.status, original.status);
    assert.equal(again.replayState.mismatches?.length ?? 0, 0, show(again.replayState));
  });
