// record_e2e.test.mjs: issue 11's must-be-true #5. `ebsmock record` stands in front of a
// second `ebsmock serve` playing the cloud (its own credentials, which the client does not
// have, and faults); a real Node SDK, V3 (openapi-core) and V1 (pop-core), points at the
// recorder as at the mock. Shown: the upstream verified every forwarded signature; the
// trace and everything the recorder printed hold no secret (the cloud's secret, the
// security token, the client's secret, any signature); a mutating call without
// --allow-write is refused and never reaches the upstream; the recording, imported with
// `import-trace --base` and served, answers the same client the same way in the same
// order. Plus an unreachable upstream (502 Ebsmock.UpstreamUnreachable, traced) and bad
// flags (exit 2 with the reason). No sleeps: the virtual clocks never move.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { BINARY, REGION, ROOT, admin, journalRequests, missingPrerequisite, runCalls, show, startListening,
  startServer, stopChild, verdictOf } from './e2e_support.mjs';

const CLOUD = join(ROOT, 'tests/e2e/record_cloud_world.toml');
const LOCAL = join(ROOT, 'tests/e2e/record_local_world.toml');
const CLOUD_ID = 'LTAI-record-cloud-id';
const CLOUD_SECRET = 'cloud-secret-never-in-a-trace';
const TOKEN = 'sts-token-never-in-a-trace';
const PAIR = 'pair-cn-7xk2m9d1q8w3e5r0';
const describe = ['DescribeDiskReplicaPairs', { RegionId: REGION, PairIds: PAIR }];

// Without --allow-write: the Stop is the recorder's refusal, never the cloud's answer.
const READ_ONLY = [
  describe,                                                                              // 400 Throttling.User
  describe,                                                                              // 200
  ['StopDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rec-stop-1' }], // 403 refused
  describe,                                                                              // 200
];
const READ_ONLY_SEEN = ['Throttling.User', 'ok', 'Ebsmock.RecordReadOnly', 'ok'];
// With --allow-write: the cloud's faults reach the client through the recorder.
const WRITES = [
  describe,                                                                                   // 400 Throttling.User
  ['StopDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rec-stop-1' }],  // 504, applied
  ['StopDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rec-stop-2' }],  // 403 InvalidStatus
  ['StartDiskReplicaPair', { RegionId: REGION, ReplicaPairId: PAIR, ClientToken: 'rec-start-1' }], // reset
  describe,                                                                                   // 200 stopping
];
const WRITES_SEEN = ['Throttling.User', 'RequestTimeout', 'OperationDenied.InvalidStatus', 'ECONNRESET', 'ok'];

const skip = missingPrerequisite() ?? false;
let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'ebsmock-record-')); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const ebsmock = (...args) => execFileSync(BINARY, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const outcomes = (results) => results.map((r) => (r.ok ? 'ok' : r.error.code));
// What the client saw: bodies, RequestIds and messages too (the trace keeps every JSON
// answer); a transport error only by its code (its message names the port).
function seen(r) {
  if (r.ok) return { ok: true, body: r.body };
  const { code, status, message } = r.error;
  return status === undefined || status === null ? { ok: false, code } : { ok: false, code, status, message };
}

// The real credentials, in Alibaba's spelling or Terraform's; nothing else of the parent's
// environment (which may hold the client's) but PATH and the sanitizer runs' options
// (scripts/sanitize.sh: suppressions and halt_on_error, no credentials).
const SANITIZER_ENV = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => /^(A|T|UB|L)SAN_OPTIONS$/.test(k)));
function cloudEnv(spelling) {
  const base = { PATH: process.env.PATH, ...SANITIZER_ENV };
  return spelling === 'terraform'
    ? { ...base, ALICLOUD_ACCESS_KEY: CLOUD_ID, ALICLOUD_SECRET_KEY: CLOUD_SECRET, ALICLOUD_SECURITY_TOKEN: TOKEN }
    : { ...base, ALIBABA_CLOUD_ACCESS_KEY_ID: CLOUD_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: CLOUD_SECRET,
      ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN };
}

// Records `history` from `sdk` through `ebsmock record` in front of the cloud.
async function record(sdk, history, { allowWrite, spelling, name }) {
  const traceFile = join(dir, `${name}.jsonl`);
  const cloud = await startServer(CLOUD);
  let recorder;
  try {
    recorder = await startListening(['record', '--port', '0', '--upstream', cloud.url, '--trace-file', traceFile,
      ...(allowWrite ? ['--allow-write'] : [])], { env: cloudEnv(spelling) });
    const results = await runCalls(sdk, recorder.url, history);
    const upstream = journalRequests(await admin(cloud.url, 'GET', '/__admin/journal'));
    const pairs = await admin(cloud.url, 'GET', '/__admin/pairs');
    await stopChild(recorder.proc);
    // SIGTERM stops it cleanly, having answered and traced every attempt.
    assert.equal(recorder.proc.exitCode, 0, recorder.output());
    assert.match(recorder.output(), new RegExp(`ebsmock record: stopped after ${history.length} calls`));
    return { results, upstream, traceFile, output: recorder.output(),
      status: pairs.pairs.find((p) => p.ReplicaPairId === PAIR)?.Status };
  } finally {
    await stopChild(recorder?.proc);
    await stopChild(cloud.proc);
  }
}

function assertNoSecret(text, where, secrets = [CLOUD_SECRET, TOKEN, 'testsecret']) {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where} holds the secret ${secret}`);
  }
  assert.ok(!/ACS3-HMAC-SHA256 Credential|Signature=/.test(text), `${where} holds a signature`);
}

function assertTraceClean(traceFile, output) {
  const text = readFileSync(traceFile, 'utf8');
  assertNoSecret(text, 'the trace');
  assertNoSecret(output, "the recorder's output");
  for (const line of text.trim().split('\n')) {
    const e = JSON.parse(line);
    for (const name of Object.keys(e.params)) {
      assert.ok(!/^(Signature|SecurityToken|AccessKeyId|Timestamp)/.test(name), `trace param ${name}: ${line}`);
    }
  }
  return text.trim().split('\n').map((l) => JSON.parse(l));
}

// Imports the trace over the client's world, lints it, serves it, and runs the same client.
async function replay(traceFile, sdk, history, name) {
  const caseFile = join(dir, `${name}.toml`);
  ebsmock('import-trace', traceFile, '--base', LOCAL, '-o', caseFile);
  ebsmock('lint', caseFile);  // throws on findings
  // The base world's own [[credential]] (the client's testsecret) is copied on purpose.
  assertNoSecret(readFileSync(caseFile, 'utf8'), 'the imported scenario', [CLOUD_SECRET, TOKEN]);
  const server = await startServer(caseFile);
  try {
    const results = await runCalls(sdk, server.url, history);
    const replayState = await admin(server.url, 'GET', '/__admin/replay');
    const pairs = await admin(server.url, 'GET', '/__admin/pairs');
    return { results, replayState, status: pairs.pairs.find((p) => p.ReplicaPairId === PAIR)?.Status };
  } finally {
    await stopChild(server.proc);
  }
}

for (const [sdk, scheme, spelling] of [['openapi-core', 'v3', 'alibaba'], ['pop-core', 'v1', 'terraform']]) {
  test(`${sdk} (${scheme}), read-only: Describes recorded and re-signed, the Stop refused and never forwarded, replayed the same`, { skip }, async () => {
    const rec = await record(sdk, READ_ONLY, { allowWrite: false, spelling, name: `ro-${sdk}` });
    assert.deepEqual(outcomes(rec.results), READ_ONLY_SEEN, show(rec.results));
    assert.equal(rec.results[2].error.status, 403);
    assert.match(rec.results[2].error.message ?? '', /--allow-write/);
    // The cloud saw the three Describes, each signed by the recorder with its own key, and
    // no Stop at all; the pair did not move.
    assert.deepEqual(rec.upstream.map((e) => e.action), ['DescribeDiskReplicaPairs', 'DescribeDiskReplicaPairs',
      'DescribeDiskReplicaPairs'], show(rec.upstream));
    for (const e of rec.upstream) {
      assert.equal(verdictOf(e), 'ok', show(e));
      assert.equal(e.signature.scheme, scheme, show(e));
      assert.equal(e.access_key_id, CLOUD_ID);
    }
    assert.equal(rec.status, 'normal');
    const trace = assertTraceClean(rec.traceFile, rec.output);
    assert.deepEqual(trace.map((e) => [e.action, e.status, e.code]), [
      ['DescribeDiskReplicaPairs', 400, 'Throttling.User'], ['DescribeDiskReplicaPairs', 200, ''],
      ['StopDiskReplicaPair', 403, 'Ebsmock.RecordReadOnly'], ['DescribeDiskReplicaPairs', 200, '']]);
    assert.equal(trace[2].client_token, 'rec-stop-1');
    assert.equal(trace[2].fault?.rule, 'record:read-only');

    const again = await replay(rec.traceFile, sdk, READ_ONLY, `ro-${sdk}`);
    assert.deepEqual(again.results.map(seen), rec.results.map(seen));
    assert.equal(again.replayState.mismatches?.length ?? 0, 0, show(again.replayState));
  });

  test(`${sdk} (${scheme}), --allow-write: the cloud's 504, 403 and reset recorded with the client's tokens, replayed the same`, { skip }, async () => {
    const rec = await record(sdk, WRITES, { allowWrite: true, spelling, name: `rw-${sdk}` });
    assert.deepEqual(outcomes(rec.results), WRITES_SEEN, show(rec.results));
    // Forwarded once per attempt, re-signed, the client's ClientTokens kept.
    assert.deepEqual(rec.upstream.map((e) => [e.action, e.client_token]), [
      ['DescribeDiskReplicaPairs', ''], ['StopDiskReplicaPair', 'rec-stop-1'], ['StopDiskReplicaPair', 'rec-stop-2'],
      ['StartDiskReplicaPair', 'rec-start-1'], ['DescribeDiskReplicaPairs', '']], show(rec.upstream));
    for (const e of rec.upstream) assert.equal(verdictOf(e), 'ok', show(e));
    assert.equal(rec.status, 'stopping');
    const trace = assertTraceClean(rec.traceFile, rec.output);
    assert.deepEqual(trace.map((e) => [e.action, e.status, e.code, e.client_token]), [
      ['DescribeDiskReplicaPairs', 400, 'Throttling.User', ''], ['StopDiskReplicaPair', 504, 'RequestTimeout', 'rec-stop-1'],
      ['StopDiskReplicaPair', 403, 'OperationDenied.InvalidStatus', 'rec-stop-2'],
      ['StartDiskReplicaPair', 0, '', 'rec-start-1'], ['DescribeDiskReplicaPairs', 200, '', '']]);

    const again = await replay(rec.traceFile, sdk, WRITES, `rw-${sdk}`);
    assert.deepEqual(again.results.map(seen), rec.results.map(seen));
    assert.equal(again.replayState.mismatches?.length ?? 0, 0, show(again.replayState));
  });
}

test('an unreachable upstream: 502 Ebsmock.UpstreamUnreachable to the client, traced', { skip }, async () => {
  // A port that was just free: nothing listens there, so the connect is refused at once.
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r));
  const traceFile = join(dir, 'unreachable.jsonl');
  const recorder = await startListening(['record', '--port', '0', '--upstream', `http://127.0.0.1:${port}`,
    '--trace-file', traceFile], { env: cloudEnv('alibaba') });
  try {
    const [r] = await runCalls('openapi-core', recorder.url, [describe]);
    assert.equal(r.ok, false, show(r));
    assert.equal(r.error.code, 'Ebsmock.UpstreamUnreachable', show(r));
    assert.equal(r.error.status, 502);
  } finally {
    await stopChild(recorder.proc);
  }
  const [e] = assertTraceClean(traceFile, recorder.output());
  assert.equal(e.status, 502);
  assert.equal(e.code, 'Ebsmock.UpstreamUnreachable');
  assert.equal(e.fault?.rule, 'record:upstream-unreachable');
});

test('bad flags and a missing credential exit 2 with the reason, before listening', { skip: BINARY ? false : 'no binary' }, () => {
  const env = cloudEnv('alibaba');
  const cases = [
    [['--upstream', 'http://127.0.0.1:9'], { PATH: process.env.PATH, ...SANITIZER_ENV }, /no credentials to re-sign with/],
    [['--upstream', 'ftp://example.com'], env, /not an http:\/\/ or https:\/\/ URL/],
    [['--upstream', 'http://example.com/some/path'], env, /has a path/],
    [['--region-endpoint', 'cn-hangzhou'], env, /REGION=URL/],
    [['--region-endpoint', 'CN_HZ=http://127.0.0.1:1'], env, /not a region id/],
    [['--port', '70000'], env, /port/i],
    [['--upstream', 'http://127.0.0.1:9', '--trace-file', join(dir, 'no/such/dir/t.jsonl')], env,
      /cannot open trace file/],
  ];
  for (const [args, caseEnv, why] of cases) {
    const r = spawnSync(BINARY, ['record', '--port', '0', ...args], { env: caseEnv, encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why, args.join(' '));
    assert.equal(r.stdout, '', `${args.join(' ')} must not listen`);
  }
});
