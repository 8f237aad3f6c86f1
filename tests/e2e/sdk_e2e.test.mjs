// sdk_e2e.test.mjs: end-to-end test of `ebsmock serve` with the REAL Alibaba Cloud Node SDKs,
// driven through harness/drivers/node/driver.mjs (JSON lines), once per SDK variant.
// Run by ctest as: EBSMOCK_BINARY=<path to ebsmock> node --test tests/e2e/sdk_e2e.test.mjs
// Needs `npm ci` in harness/drivers/node. Only node: built-ins (helpers in e2e_support.mjs).
// Per variant: Create (edge-case Description) -> created -> Start -> normal (+LastRecoverPoint)
// -> Stop -> stopped, Description round-trips; a wrong secret gives SignatureDoesNotMatch;
// the journal records every call with its signature verdict.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REGION, SCHEME, VARIANTS, admin, journalRequests, missingPrerequisite, show,
  startDriver, startServer, stopChild, verdictOf } from './e2e_support.mjs';

const EDGE = "a b*c~d/e+f!g'h(i)j=k&l%m é中😀"; // space, * ~ / + ! ' ( ) and non-ASCII
const STEP = '5s'; // world time added between polls
const MAX_POLLS = 20; // 20 x 5s of world time; far beyond every [timing] entry

const MISSING = missingPrerequisite();
test('prerequisites (EBSMOCK_BINARY, npm ci in harness/drivers/node)', () => {
  assert.equal(MISSING, null, MISSING ?? '');
});

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
