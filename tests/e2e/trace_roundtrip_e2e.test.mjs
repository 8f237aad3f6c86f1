// trace_roundtrip_e2e.test.mjs: issue 11's must-be-true #2 for two artefact kinds. A real
// Node SDK runs a faulty history (throttling, an ambiguous 504 that was applied, a 403, a
// connection reset) against `ebsmock serve`; the artefact is captured the way a customer
// would (the journal via --journal-file; the SDK's own DEBUG=httpx:* log on stderr), then
// `ebsmock import-trace --base WORLD` makes a scenario, `ebsmock lint` passes it, and the
// same client calls against `ebsmock serve --scenario` of it get the same statuses, codes
// and bodies (RequestIds aside where the artefact has no bodies) in the same order; the
// pair ends in the same status. No sleeps: the virtual clock never moves here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { BINARY, REGION, ROOT, admin, missingPrerequisite, runCalls, show, startServer, stopChild }
  from './e2e_support.mjs';

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
  ebsmock('import-trace', log, '--base', WORLD, '-o', caseFile);
  const scenario = readFileSync(caseFile, 'utf8');
  assert.ok(!/Signature=|SignatureNonce =|AccessKeyId =/.test(scenario), 'a signature field reached the scenario');
  const again = await replay(caseFile, 'pop-core');
  // pop-core logs every body, so the replay answers them byte for byte, RequestIds too.
  assert.deepEqual(again.results.map((r) => seen(r, { keepRequestId: true })),
    original.map((r) => seen(r, { keepRequestId: true })));
  // The last Describe, as the client saw it, says where the pair ended.
  assert.equal(again.results.at(-1).body.ReplicaPairs?.[0]?.Status ?? again.results.at(-1).body.ReplicaPairs?.ReplicaPair?.[0]?.Status,
    original.at(-1).body.ReplicaPairs?.[0]?.Status ?? original.at(-1).body.ReplicaPairs?.ReplicaPair?.[0]?.Status);
});
