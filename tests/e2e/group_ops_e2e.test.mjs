// group_ops_e2e.test.mjs: every operation the group/drill/tag issue added (22 of the 31),
// called through every real Node SDK variant of harness/drivers/node/driver.mjs, and through
// README's minimal driver, against `ebsmock serve` (issue 10, must-be-true 5).
// Run by ctest as: EBSMOCK_BINARY=<path to ebsmock> node --test tests/e2e/group_ops_e2e.test.mjs
//
// Per variant, one test per operation, in an order where each one can succeed:
// - the same call signed with a wrong AccessKeySecret first: SignatureDoesNotMatch (HTTP
//   400), and the world (/__admin/pairs, /groups, /drills) exactly as before;
// - then the call itself: a success whose body has exactly the documented shape
//   (ebs-groups.md §2, §3.1, §6.4, §6.7, §7.3, §8.1, §8.2: field names and JSON types; no
//   undocumented field) and the values the call implies.
// Finally the journal: one verified entry per call with the variant's signature scheme, a
// ClientToken exactly on the operations that take one (driver.mjs TOKEN_ACTIONS, itself
// checked against contracts::accepts_client_token by tests/harness/node_driver_tokens_test.cpp),
// and every wrong-secret call refused before it reached the model.
// Parameters travel where each SDK puts them by default (sdk-wire.md §3); Terraform's own
// placement is covered by terraform_groups_e2e.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DRIVER, REGION, SCHEME, VARIANTS, admin, journalRequests, missingPrerequisite, show,
  startDriver, startServer, stopChild, verdictOf } from './e2e_support.mjs';

const MISSING = missingPrerequisite();
test('prerequisites (EBSMOCK_BINARY, npm ci in harness/drivers/node)', () => {
  assert.equal(MISSING, null, MISSING ?? '');
});

const SDKS = [...VARIANTS, 'minimal'];
const SCHEMES = { ...SCHEME, minimal: 'v1' };
const SOURCE_ZONE = 'cn-hangzhou-i';
const DEST_ZONE = 'cn-hangzhou-h';
const EDGE = "a b*c~d/e+f!g'h(i)j=k&l%m é中😀"; // space, * ~ / + ! ' ( ) and non-ASCII

// The operations of ebs-groups.md §1 that the pair-only mock did not have.
const NEW_OPERATIONS = [
  'CreateDiskReplicaGroup', 'DeleteDiskReplicaGroup', 'ModifyDiskReplicaGroup',
  'DescribeDiskReplicaGroups', 'StartDiskReplicaGroup', 'StopDiskReplicaGroup',
  'FailoverDiskReplicaGroup', 'ReprotectDiskReplicaGroup', 'AddDiskReplicaPair',
  'RemoveDiskReplicaPair', 'StartPairDrill', 'DescribePairDrills', 'ClearPairDrill',
  'StartReplicaGroupDrill', 'DescribeReplicaGroupDrills', 'ClearReplicaGroupDrill',
  'TagResources', 'UntagResources', 'ListTagResources', 'ChangeResourceGroup',
  'DescribeRegions', 'ListReplicaEdgeSupported'];

// driver.mjs's list of the operations that take a ClientToken.
function tokenActions() {
  const js = readFileSync(DRIVER, 'utf8');
  const block = js.slice(js.indexOf('// BEGIN TOKEN_ACTIONS'), js.indexOf('// END TOKEN_ACTIONS'));
  return new Set([...block.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]));
}
const TOKEN_ACTIONS = tokenActions();

// ---- documented success shapes ---------------------------------------------------------------
// A shape is a type name ('string', 'int', 'bool', 'requestId'), [itemShape], or an object of
// field -> shape with exactly those fields ('Name?' = may be absent).
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
function checkShape(value, shape, path = 'body') {
  if (Array.isArray(shape)) {
    assert.ok(Array.isArray(value), `${path} must be an array: ${show(value)}`);
    value.forEach((v, i) => checkShape(v, shape[0], `${path}[${i}]`));
  } else if (typeof shape === 'object') {
    assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${path} must be an object: ${show(value)}`);
    const fields = Object.keys(shape).map((k) => k.replace(/\?$/, ''));
    const extra = Object.keys(value).filter((k) => !fields.includes(k));
    assert.deepEqual(extra, [], `${path} has undocumented fields: ${show(value)}`);
    for (const [k, s] of Object.entries(shape)) {
      const name = k.replace(/\?$/, '');
      if (k.endsWith('?') && !(name in value)) continue;
      assert.ok(name in value, `${path}.${name} is missing: ${show(value)}`);
      checkShape(value[name], s, `${path}.${name}`);
    }
  } else if (shape === 'string') {
    assert.equal(typeof value, 'string', `${path} must be a string: ${show(value)}`);
  } else if (shape === 'int') {
    assert.ok(Number.isInteger(value), `${path} must be an integer: ${show(value)}`);
  } else if (shape === 'bool') {
    assert.equal(typeof value, 'boolean', `${path} must be a boolean: ${show(value)}`);
  } else if (shape === 'requestId') {
    assert.match(String(value), REQUEST_ID, `${path}`);
  } else {
    throw new Error(`unknown shape ${shape}`);
  }
}

const RID = { RequestId: 'requestId' };
const PAGED = { RequestId: 'requestId', NextToken: 'string', PageNumber: 'int', PageSize: 'int', TotalCount: 'int' };
const TAGS = [{ TagKey: 'string', TagValue: 'string' }];
const GROUP_ITEM = { Bandwidth: 'int', Description: 'string', DestinationRegionId: 'string',
  DestinationZoneId: 'string', EnableRtc: 'bool', GroupName: 'string', 'LastRecoverPoint?': 'int',
  PairIds: ['string'], PairNumber: 'int', PrimaryRegion: 'string', PrimaryZone: 'string', RPO: 'int',
  ReplicaGroupId: 'string', ResourceGroupId: 'string', Site: 'string', SourceRegionId: 'string',
  SourceZoneId: 'string', StandbyRegion: 'string', StandbyZone: 'string', Status: 'string', Tags: TAGS };
const SHAPES = {
  CreateDiskReplicaGroup: { ...RID, ReplicaGroupId: 'string' },
  DeleteDiskReplicaGroup: RID, ModifyDiskReplicaGroup: RID, StartDiskReplicaGroup: RID,
  StopDiskReplicaGroup: RID, FailoverDiskReplicaGroup: RID, ReprotectDiskReplicaGroup: RID,
  AddDiskReplicaPair: RID, RemoveDiskReplicaPair: RID,
  DescribeDiskReplicaGroups: { ...PAGED, ReplicaGroups: [GROUP_ITEM] },
  StartPairDrill: { ...RID, DrillId: 'string' },
  DescribePairDrills: { ...PAGED, Drills: [{ DrillId: 'string', Status: 'string', DrillDiskId: 'string',
    DrillDiskStatus: 'string', StartAt: 'int', RecoverPoint: 'int', StatusMessage: 'string' }] },
  ClearPairDrill: RID,
  StartReplicaGroupDrill: { ...RID, DrillId: 'string' },
  DescribeReplicaGroupDrills: { ...PAGED, Drills: [{ DrillId: 'string', GroupId: 'string', Status: 'string',
    StartAt: 'int', RecoverPoint: 'int', StatusMessage: 'string',
    PairsInfo: [{ PairId: 'string', DrillDiskId: 'string', DrillDiskStatus: 'string' }] }] },
  ClearReplicaGroupDrill: RID,
  TagResources: RID, UntagResources: RID, ChangeResourceGroup: RID,
  ListTagResources: { RequestId: 'requestId', NextToken: 'string',
    TagResources: [{ ResourceId: 'string', ResourceType: 'string', TagKey: 'string', TagValue: 'string' }] },
  DescribeRegions: { RequestId: 'requestId', Regions: [{ LocalName: 'string', RegionEndpoint: 'string',
    RegionId: 'string', Zones: [{ LocalName: 'string', ZoneId: 'string', ResourceTypes: ['string'] }] }] },
  ListReplicaEdgeSupported: { RequestId: 'requestId', MaxResults: 'int', NextToken: 'string',
    SupportedRegions: [{ RegionId: 'string', Zones: [{ ZoneId: 'string' }] }] },
};

// ---- the operations, in an order where each succeeds -----------------------------------------
// Each: params(s) -> the call's parameters; check(body, s) -> its values; then(s) -> world time
// to add afterwards (seconds) so the next step finds the status it needs.
const STEPS = [
  { action: 'DescribeRegions', params: () => ({ RegionId: REGION }),
    check: (b) => {
      const r = b.Regions.find((x) => x.RegionId === REGION);
      assert.ok(r, show(b));
      assert.ok(r.Zones.length >= 2, `TF's example takes zones[0] and zones[1]: ${show(r)}`);
      assert.ok(r.Zones.some((z) => z.ZoneId === SOURCE_ZONE) && r.Zones.some((z) => z.ZoneId === DEST_ZONE), show(r));
    } },
  { action: 'ListReplicaEdgeSupported', params: () => ({ RegionId: REGION, Azone: SOURCE_ZONE }),
    check: (b) => {
      const zones = b.SupportedRegions.flatMap((r) => r.Zones.map((z) => z.ZoneId));
      assert.ok(zones.includes(DEST_ZONE), show(b));
    } },
  { action: 'CreateDiskReplicaGroup',
    params: () => ({ RegionId: REGION, SourceZoneId: SOURCE_ZONE, DestinationRegionId: REGION,
      DestinationZoneId: DEST_ZONE, GroupName: 'e2e-group', Description: EDGE, RPO: 900,
      Tag: [{ Key: 'env', Value: 'e2e' }] }),
    check: (b, s) => { assert.match(b.ReplicaGroupId, /^pg-/); s.group = b.ReplicaGroupId; }, then: 5 },
  { action: 'DescribeDiskReplicaGroups', params: (s) => ({ RegionId: REGION, GroupIds: s.group }),
    check: (b, s) => {
      assert.equal(b.ReplicaGroups.length, 1, show(b));
      const g = b.ReplicaGroups[0];
      assert.equal(g.ReplicaGroupId, s.group);
      assert.equal(g.Status, 'created');
      assert.equal(g.Description, EDGE, 'Description did not survive the wire encoding');
      assert.deepEqual(g.Tags, [{ TagKey: 'env', TagValue: 'e2e' }]);
      assert.equal(b.TotalCount, 1);
    } },
  { action: 'ModifyDiskReplicaGroup', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group, GroupName: 'e2e-renamed' }),
    check: async (b, s, x) => assert.equal((await x.group()).GroupName, 'e2e-renamed') },
  { action: 'ChangeResourceGroup',
    params: (s) => ({ RegionId: REGION, ResourceType: 'DiskReplicaGroup', ResourceId: s.group, NewResourceGroupId: 'rg-e2e0001' }),
    check: async (b, s, x) => assert.equal((await x.group()).ResourceGroupId, 'rg-e2e0001') },
  { action: 'TagResources',
    params: (s) => ({ RegionId: REGION, ResourceType: 'DiskReplicaGroup', ResourceId: [s.group], Tag: [{ Key: 'k1', Value: EDGE }] }) },
  { action: 'ListTagResources', params: (s) => ({ RegionId: REGION, ResourceType: 'DiskReplicaGroup', ResourceId: [s.group] }),
    check: (b, s) => {
      const rows = b.TagResources.map((t) => [t.ResourceId, t.ResourceType.toLowerCase(), t.TagKey, t.TagValue]).sort();
      assert.deepEqual(rows, [[s.group, 'diskreplicagroup', 'env', 'e2e'], [s.group, 'diskreplicagroup', 'k1', EDGE]]);
    } },
  { action: 'UntagResources', params: (s) => ({ RegionId: REGION, ResourceType: 'DiskReplicaGroup', ResourceId: [s.group], TagKey: ['k1'] }),
    check: async (b, s, x) => assert.deepEqual((await x.group()).Tags, [{ TagKey: 'env', TagValue: 'e2e' }]) },
  { action: 'AddDiskReplicaPair', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group, ReplicaPairId: s.pairA }),
    check: async (b, s, x) => assert.deepEqual((await x.group()).PairIds, [s.pairA]) },
  { action: 'StartDiskReplicaGroup', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group, OneShot: false }),
    check: async (b, s, x) => assert.equal((await x.group()).Status, 'initial_syncing'), then: 15 },
  { action: 'StopDiskReplicaGroup', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group }),
    check: async (b, s, x) => {
      const g = await x.group();
      assert.equal(g.Status, 'stopping');
      assert.ok(Number.isInteger(g.LastRecoverPoint), show(g));
    }, then: 5 },
  { action: 'StartReplicaGroupDrill', params: (s) => ({ RegionId: REGION, GroupId: s.group }),
    check: (b, s) => { assert.match(b.DrillId, /^pg-drill-/); s.groupDrill = b.DrillId; } },
  { action: 'DescribeReplicaGroupDrills', params: (s) => ({ RegionId: REGION, GroupId: s.group, DrillId: s.groupDrill }),
    check: async (b, s, x) => {
      assert.equal(b.Drills.length, 1, show(b));
      const d = b.Drills[0];
      assert.equal(d.DrillId, s.groupDrill);
      assert.equal(d.GroupId, s.group);
      assert.equal(d.Status, 'executing');
      assert.deepEqual(d.PairsInfo.map((p) => p.PairId), [s.pairA]);
      assert.equal(d.RecoverPoint, (await x.group()).LastRecoverPoint);
    }, then: 5 },
  { action: 'ClearReplicaGroupDrill', params: (s) => ({ RegionId: REGION, GroupId: s.group, DrillId: s.groupDrill }), then: 5 },
  { action: 'StartPairDrill', params: (s) => ({ RegionId: REGION, PairId: s.pairB }),
    check: (b, s) => { assert.match(b.DrillId, /^drill-/); s.pairDrill = b.DrillId; } },
  { action: 'DescribePairDrills', params: (s) => ({ RegionId: REGION, PairId: s.pairB }),
    check: (b, s) => {
      assert.equal(b.Drills.length, 1, show(b));
      assert.equal(b.Drills[0].DrillId, s.pairDrill);
      assert.equal(b.Drills[0].Status, 'executing');
      assert.match(b.Drills[0].DrillDiskId, /^d-/);
    }, then: 5 },
  { action: 'ClearPairDrill', params: (s) => ({ RegionId: REGION, PairId: s.pairB, DrillId: s.pairDrill }), then: 5 },
  { action: 'FailoverDiskReplicaGroup', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group }),
    check: async (b, s, x) => assert.equal((await x.group()).Status, 'failovering'), then: 5 },
  { action: 'ReprotectDiskReplicaGroup', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group, ReverseReplicate: false }),
    check: async (b, s, x) => assert.equal((await x.group()).Status, 'reprotecting'), then: 5 },
  { action: 'RemoveDiskReplicaPair', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group, ReplicaPairId: s.pairA }),
    check: async (b, s, x) => assert.deepEqual((await x.group()).PairIds, []) },
  { action: 'DeleteDiskReplicaGroup', params: (s) => ({ RegionId: REGION, ReplicaGroupId: s.group }),
    check: async (b, s, x) => assert.equal((await x.group()).Status, 'deleting'), then: 5 },
];

test('the steps call each new operation exactly once, and shapes cover each', () => {
  assert.deepEqual(STEPS.map((x) => x.action).sort(), [...NEW_OPERATIONS].sort());
  assert.deepEqual(Object.keys(SHAPES).sort(), [...NEW_OPERATIONS].sort());
});

test('the shape check refuses a missing field, an undocumented one and a wrong type', () => {
  const ok = { RequestId: '0A1B2C3D-0000-1111-2222-333344445555', DrillId: 'drill-x' };
  checkShape(ok, SHAPES.StartPairDrill);
  assert.throws(() => checkShape({ RequestId: ok.RequestId }, SHAPES.StartPairDrill), /DrillId is missing/);
  assert.throws(() => checkShape({ ...ok, Code: 'x' }, SHAPES.StartPairDrill), /undocumented fields/);
  assert.throws(() => checkShape({ ...ok, DrillId: 7 }, SHAPES.StartPairDrill), /must be a string/);
  assert.throws(() => checkShape({ RequestId: 'abc', DrillId: 'd' }, SHAPES.StartPairDrill), /RequestId/);
  const page = { ...PAGED, RequestId: ok.RequestId, NextToken: '', PageNumber: 1, PageSize: 10, TotalCount: 1 };
  assert.throws(() => checkShape({ ...page, ReplicaGroups: [{ Status: 'x' }] }, SHAPES.DescribeDiskReplicaGroups),
    /is missing/);
  assert.throws(() => checkShape({ ...page, ReplicaGroups: {} }, SHAPES.DescribeDiskReplicaGroups), /must be an array/);
});

for (const sdk of SDKS) {
  describe(`sdk ${sdk}: every new operation, wrong secret first`, { skip: MISSING ? 'prerequisites missing' : false }, () => {
    let server;
    let good;
    let bad;
    const s = {};
    const goodCalls = [];
    const badCalls = [];
    const setupCalls = [];
    const sent = []; // every call of the good driver, in order

    const advance = (seconds) => admin(server.url, 'POST', `/__admin/clock/advance?by=${seconds}s`);
    const world = async () => Promise.all(['/__admin/pairs', '/__admin/groups', '/__admin/drills']
      .map((p) => admin(server.url, 'GET', p)));
    // Setup and follow-up reads, journaled as such.
    const setup = async (action, params) => {
      setupCalls.push(action);
      sent.push(action);
      const r = await good.call(action, { ...params });
      assert.ok(r.ok, `${action} failed: ${show(r)}`);
      return r.body;
    };
    const x = {
      group: async () => (await setup('DescribeDiskReplicaGroups', { RegionId: REGION, GroupIds: s.group })).ReplicaGroups[0],
    };

    before(async () => {
      server = await startServer();
      good = startDriver(sdk, server.url);
      bad = startDriver(sdk, server.url, 'wrong-secret');
      // Two pairs in the group's direction: A joins the group, B is drilled on its own.
      for (const k of ['pairA', 'pairB']) {
        const b = await setup('CreateDiskReplicaPair', { RegionId: REGION, SourceZoneId: SOURCE_ZONE,
          DiskId: `d-bp1${k}src`, DestinationRegionId: REGION, DestinationZoneId: DEST_ZONE,
          DestinationDiskId: `d-bp1${k}dst`, ChargeType: 'POSTPAY' });
        s[k] = b.ReplicaPairId;
      }
      await advance(5);
      await setup('StartDiskReplicaPair', { RegionId: REGION, ReplicaPairId: s.pairB });
      await advance(15);
      const b = await setup('DescribeDiskReplicaPairs', { RegionId: REGION, PairIds: s.pairB });
      assert.equal(b.ReplicaPairs[0]?.Status, 'normal', show(b));
    });
    after(async () => {
      for (const d of [good, bad]) await stopChild(d?.proc, () => d.proc.stdin.end());
      await stopChild(server?.proc);
    });

    for (const step of STEPS) {
      test(step.action, async () => {
        const params = step.params(s);
        for (const [k, v] of Object.entries(params)) assert.ok(v !== undefined, `${k} unknown: an earlier step failed`);
        const before = await world();
        badCalls.push(step.action);
        const refused = await bad.call(step.action, params);
        assert.equal(refused.ok, false, `a wrong secret must be refused: ${show(refused)}`);
        assert.equal(refused.error.code, 'SignatureDoesNotMatch', show(refused));
        assert.equal(refused.error.status, 400, show(refused));
        assert.deepEqual(await world(), before, 'the refused call changed the world');

        goodCalls.push(step.action);
        sent.push(step.action);
        const r = await good.call(step.action, params);
        assert.ok(r.ok, `${step.action} failed: ${show(r)}`);
        checkShape(r.body, SHAPES[step.action]);
        await step.check?.(r.body, s, x);
        if (step.then) await advance(step.then);
      });
    }

    test('afterwards: the group is gone, both drills are gone', async () => {
      const [pairs, groups, drills] = await world();
      assert.deepEqual(groups.groups, [], show(groups));
      assert.deepEqual(drills.drills, [], show(drills));
      assert.equal(pairs.pairs.length, 2, show(pairs));
    });

    test('refusals of the new operations reach the caller with their code and HTTP status', async () => {
      const attempt = async (action, params) => { sent.push(action); return good.call(action, params); };
      const expectError = (r, status, code) => {
        assert.equal(r.ok, false, show(r));
        assert.equal(r.error.code, code, show(r));
        assert.equal(r.error.status, status, show(r));
        assert.match(String(r.error.request_id), REQUEST_ID, show(r));
      };
      const { ReplicaGroupId: empty } = await setup('CreateDiskReplicaGroup', { RegionId: REGION,
        SourceZoneId: SOURCE_ZONE, DestinationRegionId: REGION, DestinationZoneId: DEST_ZONE });
      await advance(5);
      // An empty group cannot start (§4.5); a gone group or drill is 404 (TF: success on
      // DeleteDiskReplicaGroup, an error on Clear*Drill).
      expectError(await attempt('StartDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: empty }),
        403, 'OperationDenied.NoPairInGroup');
      expectError(await attempt('DeleteDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: s.group }),
        404, 'NoSuchResource');
      expectError(await attempt('ClearPairDrill', { RegionId: REGION, PairId: s.pairB, DrillId: 'drill-none0000000' }),
        404, 'NoSuchResource');
      await setup('DeleteDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: empty });
      await advance(5);
    });

    test('journal: each call once, verified, ClientToken exactly where the operation takes one', async () => {
      const entries = journalRequests(await admin(server.url, 'GET', '/__admin/journal?limit=100000'));
      const ok = entries.filter((e) => verdictOf(e) === 'ok');
      assert.deepEqual(ok.map((e) => e.action), sent, 'one journal entry per call: no lost or duplicated sends');
      for (const e of ok) {
        assert.equal(e.signature.scheme, SCHEMES[sdk], `${e.action}: signature scheme`);
        assert.equal(Boolean(e.client_token), TOKEN_ACTIONS.has(e.action),
          `${e.action}: ClientToken ${e.client_token ? 'sent' : 'missing'}; it ${TOKEN_ACTIONS.has(e.action) ? 'takes' : 'takes none'}`);
      }
      const refused = entries.filter((e) => verdictOf(e) !== 'ok');
      assert.deepEqual(refused.map((e) => e.action), badCalls);
      for (const e of refused) {
        assert.equal(e.code, 'SignatureDoesNotMatch', show(e));
        assert.equal(e.effect_applied, false, show(e));
      }
      assert.deepEqual([...new Set(goodCalls)].sort(), [...NEW_OPERATIONS].sort(), 'every new operation was called');
    });
  });
}
