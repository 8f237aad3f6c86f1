// terraform_groups_e2e.test.mjs: the Terraform flows for replication groups and DR drills
// (ebs-groups.md §5.3, §9.2, §9.4, §9.5), end to end over HTTP with every real Node SDK
// variant of harness/drivers/node/driver.mjs against `ebsmock serve` (issue 10, must-be-true 4).
// Run by ctest as: EBSMOCK_BINARY=<path to ebsmock> node --test tests/e2e/terraform_groups_e2e.test.mjs
//
// What "Terraform-like" means here (the `Terraform` class below):
// - parameters where terraform-provider-alicloud puts them (§2, §9): everything in a form
//   body, except Start*Drill (GroupId/PairId in the query; RegionId, ClientToken in the
//   body), Describe*Drills (all in the query, empty body) and Clear*Drill (GroupId/PairId,
//   DrillId in the query; RegionId in the body). The openapi variants make exactly that
//   split (driver.mjs "body" member: OpenApiRequest.query + OpenApiRequest.body); the -v2
//   ones are tea-rpc's wire shape (V1 signature, common parameters in the query). pop-core
//   cannot split: POST sends everything in the body, GET everything in the query. Every
//   exchange is recorded by a transparent proxy (e2e_support.mjs startProxy) and its
//   placement checked;
// - ClientTokens as TF builds them (§9.1: "TF-<Action>-<unix>-<uuid>", cut to 64): built
//   once and reused across retries, regenerated per attempt (DeleteDiskReplicaGroup,
//   Start*Drill, ListTagResources), or not sent (Describe*, Clear*Drill);
// - retries as resource.Retry + incrementalWait(3s, 5s) with TF's retry lists and its
//   IsExpectedErrors prefix rule (§9.1, §9.6); waits as StateChangeConf with TF's targets
//   and fail states. Time is the mock's virtual clock, moved through the admin API: no test
//   sleeps. Waiters poll every second of world time, a superset of the instants TF's
//   schedule (delay, then 3 s, 6 s, 10 s, ...) observes.
// The last block shows the checks can fail: a proxy bends the mock's answers (a group that
// becomes normal one poll after its LastRecoverPoint appears, a LastRecoverPoint of 0 before
// the first sync, a drill not listed at once, PairIds that never list the added pair) and
// the same step functions must then throw.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { REGION, SCHEME, VARIANTS, admin, journalRequests, missingPrerequisite, placementOf, show,
  startDriver, startProxy, startServer, stopChild, verdictOf } from './e2e_support.mjs';

const MISSING = missingPrerequisite();
test('prerequisites (EBSMOCK_BINARY, npm ci in harness/drivers/node)', () => {
  assert.equal(MISSING, null, MISSING ?? '');
});

// Same-region, cross-zone, as the acceptance test (§5.3: cn-hangzhou-i -> cn-hangzhou-h).
const SOURCE_ZONE = 'cn-hangzhou-i';
const DEST_ZONE = 'cn-hangzhou-h';

// ---- Terraform's machinery (ebs-groups.md §9.1), on the virtual clock -----------------------

// Where TF puts each action's parameters (§2): names that go in the query; the rest in the body.
const QUERY_NAMES = {
  StartReplicaGroupDrill: ['GroupId'], StartPairDrill: ['PairId'],
  ClearReplicaGroupDrill: ['GroupId', 'DrillId'], ClearPairDrill: ['PairId', 'DrillId'],
};
const ALL_IN_QUERY = new Set(['DescribeReplicaGroupDrills', 'DescribePairDrills']);

// NeedRetry: transport errors, Throttling*, ServiceUnavailable, any 5xx ([R §4.4]).
const needRetry = (r) => !r.ok && (r.error.status == null || r.error.status >= 500 ||
  /Throttling/.test(r.error.code) || r.error.code === 'ServiceUnavailable');
// IsExpectedErrors: Code == c, or c starts with Code, or the error text contains c.
const expectedError = (r, codes) => !r.ok && codes.some((c) => c === r.error.code ||
  c.startsWith(r.error.code) || String(r.error.message).includes(c));

class Terraform {
  constructor(driver, url) {
    this.driver = driver;
    this.url = url; // the mock itself, for the admin API
    this.calls = []; // {action, token, result}: every API call, in order
  }

  token(action) { return `TF-${action}-${Math.floor(Date.now() / 1000)}-${randomUUID()}`.slice(0, 64); }

  async advance(seconds) { await admin(this.url, 'POST', `/__admin/clock/advance?by=${seconds}s`); }

  async rpc(action, params) {
    let result;
    if (ALL_IN_QUERY.has(action)) {
      result = await this.driver.call(action, params);
    } else {
      const query = {};
      const body = {};
      for (const [k, v] of Object.entries(params)) ((QUERY_NAMES[action] ?? []).includes(k) ? query : body)[k] = v;
      result = await this.driver.call(action, query, 20000, body);
    }
    this.calls.push({ action, token: params.ClientToken, result });
    return result;
  }

  // resource.Retry(timeout) around fn(attempt), incrementalWait(3s, 5s) between attempts.
  async retry(timeoutSeconds, codes, fn) {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const r = await fn(attempt);
      if (r.ok || !(needRetry(r) || expectedError(r, codes))) return r;
      const pause = attempt === 0 ? 3 : 5;
      if (waited + pause > timeoutSeconds) return r;
      await this.advance(pause);
      waited += pause;
    }
  }

  // An API call that must succeed, with TF's retry list; the token built once (reused).
  async must(action, params, { codes = [], timeout = 300, token = 'once' } = {}) {
    const once = token === 'once' ? this.token(action) : undefined;
    const r = await this.retry(timeout, codes, (attempt) => this.rpc(action, {
      ...params, ...(token === 'once' ? { ClientToken: once } : {}),
      ...(token === 'per-attempt' ? { ClientToken: this.token(action) } : {}) }));
    assert.ok(r.ok, `${action} failed: ${show(r)}`);
    return r.body;
  }

  // StateChangeConf: refresh() -> {state, item} (state null = not found). Ends when state is
  // in target (or, with an empty target, when not found); throws on a fail state, after 20
  // not-found refreshes with a target, or at the timeout. Returns every observation.
  async waitFor(what, refresh, { target, fail = [], timeout = 300 }) {
    const seen = [];
    let notFound = 0;
    for (let t = 0; t <= timeout; t++) {
      const { state, item } = await refresh();
      seen.push({ t, state, item });
      if (state == null) {
        if (target.length === 0) return seen;
        if (++notFound >= 20) break;
      } else {
        notFound = 0;
        assert.ok(!fail.includes(state), `${what}: fail state ${state}; seen ${states(seen)}`);
        if (target.includes(state)) return seen;
      }
      await this.advance(1);
    }
    assert.fail(`${what}: not reached within ${timeout}s of world time; seen ${states(seen)}`);
  }
}
const states = (seen) => seen.map((o) => o.state ?? '<gone>')
  .filter((s, i, a) => i === 0 || s !== a[i - 1]).join(' -> ');

// ---- the resources' reads ---------------------------------------------------------------------

// DescribeDiskReplicaGroups(GroupIds=id): the item or null; TF needs the ReplicaGroups key,
// reads PairIds as an array, and treats any non-null LastRecoverPoint as set (§9.1, §4.4).
async function describeGroup(tf, id) {
  const r = await tf.rpc('DescribeDiskReplicaGroups', { RegionId: REGION, GroupIds: id });
  assert.ok(r.ok, `DescribeDiskReplicaGroups failed: ${show(r)}`);
  assert.ok(Array.isArray(r.body.ReplicaGroups), `no ReplicaGroups array: ${show(r.body)}`);
  const item = r.body.ReplicaGroups.find((g) => g.ReplicaGroupId === id) ?? null;
  assert.equal(r.body.ReplicaGroups.length, item ? 1 : 0, `GroupIds=${id}: ${show(r.body)}`);
  if (item) {
    assert.ok(Array.isArray(item.PairIds), `PairIds is not an array: ${show(item)}`);
    if (item.LastRecoverPoint != null) {
      assert.ok(Number.isInteger(item.LastRecoverPoint) && item.LastRecoverPoint > 0,
        `LastRecoverPoint must be omitted or a positive Unix time, never 0: ${show(item)}`);
    }
  }
  return item;
}

async function describePair(tf, id) {
  const r = await tf.rpc('DescribeDiskReplicaPairs', { RegionId: REGION, PairIds: id });
  assert.ok(r.ok, `DescribeDiskReplicaPairs failed: ${show(r)}`);
  assert.ok(Array.isArray(r.body.ReplicaPairs), show(r.body));
  return r.body.ReplicaPairs.find((p) => p.ReplicaPairId === id) ?? null;
}

// ListTagResources as the group resource's Read sends it (new token per attempt): {key: value}.
async function listGroupTags(tf, id) {
  const body = await tf.must('ListTagResources', { RegionId: REGION, ResourceType: 'DiskReplicaGroup',
    'ResourceId.1': id }, { token: 'per-attempt', timeout: 60 });
  assert.ok(Array.isArray(body.TagResources), show(body));
  const tags = {};
  for (const t of body.TagResources) {
    assert.equal(t.ResourceId, id, show(t));
    assert.equal(String(t.ResourceType).toLowerCase(), 'diskreplicagroup', show(t));
    tags[t.TagKey] = t.TagValue;
  }
  return tags;
}

// The group resource's Read: Describe + ListTagResources.
async function readGroup(tf, id) {
  const group = await describeGroup(tf, id);
  assert.ok(group, `group ${id} not found`);
  return { group, tags: await listGroupTags(tf, id) };
}

const groupState = (tf, id, field = 'Status') => async () => {
  const item = await describeGroup(tf, id);
  if (!item) return { state: null, item };
  if (field === '#LastRecoverPoint') return { state: item.LastRecoverPoint != null ? '#CHECKSET' : 'unset', item };
  if (field === '#PairIds') return { state: item.PairIds != null ? '#CHECKSET' : 'unset', item };
  return { state: String(item[field]), item };
};
const pairState = (tf, id) => async () => {
  const item = await describePair(tf, id);
  return { state: item ? item.Status : null, item };
};

// ---- the pair resource (ebs-api.md §4; only what the group flow needs) ------------------------

let diskSerial = 0;
async function createPair(tf) {
  const n = ++diskSerial;
  const body = await tf.must('CreateDiskReplicaPair', { RegionId: REGION, SourceZoneId: SOURCE_ZONE,
    DiskId: `d-bp1tfsrc${String(n).padStart(4, '0')}`, DestinationRegionId: REGION,
    DestinationZoneId: DEST_ZONE, DestinationDiskId: `d-bp1tfdst${String(n).padStart(4, '0')}`,
    ChargeType: 'POSTPAY', PairName: `tf-pair-${n}` });
  assert.match(String(body.ReplicaPairId), /^pair-/, show(body));
  await tf.waitFor(`pair ${body.ReplicaPairId} created`, pairState(tf, body.ReplicaPairId),
    { target: ['created', 'normal', 'stopped', 'syncing', 'manual_syncing'], timeout: 300 });
  return body.ReplicaPairId;
}

async function destroyPair(tf, id) {
  await tf.must('DeleteDiskReplicaPair', { RegionId: REGION, ReplicaPairId: id });
  await tf.waitFor(`pair ${id} gone`, pairState(tf, id), { target: [], timeout: 300 });
}

// ---- the group resource, step by step (§5.3), as functions a mutation test can reuse ----------

// A value with a space, * ~ / + ! ' ( ) and non-ASCII text, to cross every variant's
// form-body encoding (V3 chunked, V1 query + body, pop-core) and come back unchanged.
const EDGE = "a b*c~d/e+f!g'h(i)j=k&l%m é中😀";
const GROUP = { name: 'tf-testAccEbsDiskReplicaGroup', description: 'Test1 EBS group',
  rg: 'rg-acfmtfcreate0001', rg2: 'rg-acfmtfchange0002', name2: 'tf-testAcc-renamed',
  description2: `Test2 ${EDGE}` };

// Step 1: CreateDiskReplicaGroup (RegionId = source region), wait for created, Read.
async function stepCreateGroup(tf) {
  const before = tf.calls.length;
  const body = await tf.must('CreateDiskReplicaGroup', { RegionId: REGION, SourceZoneId: SOURCE_ZONE,
    DestinationRegionId: REGION, DestinationZoneId: DEST_ZONE, RPO: 900, GroupName: GROUP.name,
    Description: GROUP.description, ResourceGroupId: GROUP.rg }, { codes: [] });
  assert.deepEqual(Object.keys(body).sort(), ['ReplicaGroupId', 'RequestId'], show(body));
  const id = body.ReplicaGroupId;
  assert.match(String(id), /^pg-/, show(body));
  const seen = await tf.waitFor(`group ${id} created`, groupState(tf, id),
    { target: ['created'], fail: ['create_failed', 'invalid'], timeout: 300 });
  if (tf.calls.length - before === 1) { // no retry, so no world time has passed since Create
    assert.equal(seen[0].state, 'creating', `a new group starts in creating: ${states(seen)}`);
  }
  const { group, tags } = await readGroup(tf, id);
  assert.deepEqual(tags, {});
  for (const [k, v] of Object.entries({ RPO: 900, GroupName: GROUP.name, Description: GROUP.description,
    ResourceGroupId: GROUP.rg, SourceRegionId: REGION, SourceZoneId: SOURCE_ZONE,
    DestinationRegionId: REGION, DestinationZoneId: DEST_ZONE, Status: 'created' })) {
    assert.equal(group[k], v, `${k} after create: ${show(group)}`);
  }
  assert.deepEqual(group.PairIds, [], show(group));
  assert.ok(!('LastRecoverPoint' in group) || group.LastRecoverPoint === null,
    `no LastRecoverPoint before the first sync: ${show(group)}`);
  return id;
}

// Step 2: ChangeResourceGroup, ResourceType in TF's letter case.
async function stepChangeResourceGroup(tf, id) {
  await tf.must('ChangeResourceGroup', { RegionId: REGION, ResourceId: id,
    NewResourceGroupId: GROUP.rg2, ResourceType: 'DiskReplicaGroup' });
  const { group } = await readGroup(tf, id);
  assert.equal(group.ResourceGroupId, GROUP.rg2, show(group));
}

// Step 3: ModifyDiskReplicaGroup(Description) while created.
async function stepModifyDescription(tf, id) {
  await tf.must('ModifyDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: id,
    Description: GROUP.description2 });
  const { group } = await readGroup(tf, id);
  assert.equal(group.Description, GROUP.description2, show(group));
  assert.equal(group.Status, 'created', show(group));
}

// Step 4: ModifyDiskReplicaGroup(GroupName), then AddDiskReplicaPair (TF's retry list) and
// wait: TF's own waiter is #CHECKSET on PairIds; this waits until PairIds lists the pair.
async function stepRenameAndAddPair(tf, id, pairId) {
  await tf.must('ModifyDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: id, GroupName: GROUP.name2 });
  await tf.must('AddDiskReplicaPair', { RegionId: REGION, ReplicaGroupId: id, ReplicaPairId: pairId },
    { codes: ['OperationDenied.PairStatusCannotAddToGroup', 'OperationDenied.GroupStatusCannotAddPair', 'InternalError'] });
  const seen = await tf.waitFor(`group ${id} lists ${pairId}`, async () => {
    const item = await describeGroup(tf, id);
    return { state: item?.PairIds?.includes(pairId) ? 'listed' : 'not-listed', item };
  }, { target: ['listed'], timeout: 300 });
  const { group } = await readGroup(tf, id);
  assert.deepEqual(group.PairIds, [pairId], show(group));
  assert.equal(group.PairNumber, 1, show(group));
  assert.equal(group.GroupName, GROUP.name2, show(group));
  const pair = await describePair(tf, pairId);
  assert.equal(pair.ReplicaGroupId, id, show(pair));
  assert.equal(pair.ReplicaGroupName, GROUP.name2, show(pair));
  return seen;
}

// The #CHECKSET rule of §9.7 #2 on the observations of a wait for LastRecoverPoint: until it
// appears, no LastRecoverPoint (absent or null) and never normal; at the poll where it first
// appears, Status is already normal. Returns the index of that poll.
function checkRecoverPointAtNormal(seen) {
  const first = seen.findIndex((o) => o.item?.LastRecoverPoint != null);
  assert.ok(first >= 0, `LastRecoverPoint never appeared; statuses ${states(seen)}`);
  for (const o of seen.slice(0, first)) {
    assert.notEqual(o.item?.Status, 'normal',
      `t+${o.t}s: Status normal without LastRecoverPoint (it must be set at the same moment): ${show(o.item)}`);
  }
  const at = seen[first].item;
  assert.equal(at.Status, 'normal',
    `t+${seen[first].t}s: LastRecoverPoint set while Status is ${at.Status}; Terraform's #CHECKSET ` +
    `waiter stops here and its next plan shows a diff (ebs-groups.md §9.7 #2): ${show(at)}`);
  return first;
}

// Step 5: StartDiskReplicaGroup(OneShot=false); TF waits for #CHECKSET on
// $.LastRecoverPoint (delay 10s); the group must be normal at that same moment.
async function stepStart(tf, id, pairId) {
  await tf.must('StartDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: id, OneShot: false });
  const seen = await tf.waitFor(`group ${id} LastRecoverPoint`, groupState(tf, id, '#LastRecoverPoint'),
    { target: ['#CHECKSET'], timeout: 1200 });
  const first = checkRecoverPointAtNormal(seen);
  assert.ok(first > 0, `the initial sync must take some time: ${states(seen)}`);
  assert.equal(seen[0].item.Status, 'initial_syncing', `first activation: ${show(seen[0].item)}`);
  const group = seen[first].item;
  // The member pair mirrors the group: same status, same recovery point.
  const pair = await describePair(tf, pairId);
  assert.equal(pair.Status, 'normal', show(pair));
  assert.equal(pair.LastRecoverPoint, group.LastRecoverPoint, show(pair));
  return group;
}

// Step 6: FailoverDiskReplicaGroup (RegionId = provider region), wait for failovered.
async function stepFailover(tf, id, pairId) {
  await tf.must('FailoverDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: id },
    { codes: ['OperationDenied.InvalidStatus', 'InternalError'], timeout: 1200 });
  const seen = await tf.waitFor(`group ${id} failovered`, groupState(tf, id), { target: ['failovered'], timeout: 1200 });
  assert.equal(seen[0].state, 'failovering', states(seen));
  assert.equal((await describePair(tf, pairId)).Status, 'failovered');
}

// Step 7: ReprotectDiskReplicaGroup(ReverseReplicate=false) -> stopped (delay 0).
async function stepReprotect(tf, id, pairId) {
  await tf.must('ReprotectDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: id, ReverseReplicate: false },
    { codes: ['InternalError', 'OperationDenied.InvalidStatus'], timeout: 1200 });
  const seen = await tf.waitFor(`group ${id} stopped`, groupState(tf, id), { target: ['stopped'], timeout: 1200 });
  assert.equal(seen[0].state, 'reprotecting', states(seen));
  const { group } = await readGroup(tf, id);
  // Sites stay as they were (§3.3): the original direction is restored.
  assert.equal(group.SourceZoneId, SOURCE_ZONE, show(group));
  assert.equal(group.DestinationZoneId, DEST_ZONE, show(group));
  assert.equal((await describePair(tf, pairId)).Status, 'stopped');
}

// Step 9: pair_ids = [] -> RemoveDiskReplicaPair (group stopped).
async function stepRemovePair(tf, id, pairId) {
  await tf.must('RemoveDiskReplicaPair', { RegionId: REGION, ReplicaGroupId: id, ReplicaPairId: pairId },
    { codes: ['OperationDenied.NoPairInGroup', 'InternalError', 'OperationDenied.PairStatusCannotRemoveFromGroup',
      'OperationDenied.GroupStatusCannotRemovePair'] });
  const { group } = await readGroup(tf, id);
  assert.deepEqual(group.PairIds, [], show(group));
  assert.equal(group.PairNumber, 0, show(group));
  const pair = await describePair(tf, pairId);
  assert.equal(pair.ReplicaGroupId, '', show(pair));
  assert.equal(pair.Status, 'stopped', `a removed pair keeps its status: ${show(pair)}`);
}

// Steps 10-12: tags as TF's update applies them: UntagResources of the keys removed or
// changed (skipping aliyun/acs:/http(s):// keys), then TagResources of the new or changed ones.
async function applyTags(tf, id, from, to) {
  const system = /^(aliyun|acs:|https?:\/\/)/;
  const remove = Object.keys(from).filter((k) => !system.test(k) && to[k] !== from[k]);
  const add = Object.entries(to).filter(([k, v]) => from[k] !== v);
  if (remove.length) {
    const p = { RegionId: REGION, ResourceType: 'DiskReplicaGroup', 'ResourceId.1': id };
    remove.forEach((k, i) => { p[`TagKey.${i + 1}`] = k; });
    await tf.must('UntagResources', p);
  }
  if (add.length) {
    const p = { RegionId: REGION, ResourceType: 'DiskReplicaGroup', 'ResourceId.1': id };
    add.forEach(([k, v], i) => { p[`Tag.${i + 1}.Key`] = k; p[`Tag.${i + 1}.Value`] = v; });
    await tf.must('TagResources', p);
  }
  const { group, tags } = await readGroup(tf, id);
  assert.deepEqual(tags, to, 'ListTagResources after the tag update');
  const described = Object.fromEntries((group.Tags ?? []).map((t) => [t.TagKey, t.TagValue]));
  assert.deepEqual(described, to, `DescribeDiskReplicaGroups Tags: ${show(group)}`);
}

// Destroy: DeleteDiskReplicaGroup (fresh token per attempt; NotFound = success), wait until
// Describe no longer lists it.
async function stepDeleteGroup(tf, id) {
  const r = await tf.retry(300, ['InternalError', 'OperationDenied.GroupHasPair', 'OperationDenied.InvalidStatus'],
    () => tf.rpc('DeleteDiskReplicaGroup', { RegionId: REGION, ReplicaGroupId: id,
      ClientToken: tf.token('DeleteDiskReplicaGroup') }));
  assert.ok(r.ok || r.error.status === 404, `DeleteDiskReplicaGroup failed: ${show(r)}`);
  const seen = await tf.waitFor(`group ${id} gone`, groupState(tf, id, 'ResourceGroupId'), { target: [], timeout: 300 });
  assert.equal(seen.at(-1).item, null);
}

// ---- the drill resources (§9.4, §9.5), as functions ------------------------------------------

const DRILL = {
  group: { start: 'StartReplicaGroupDrill', describe: 'DescribeReplicaGroupDrills',
    clear: 'ClearReplicaGroupDrill', owner: 'GroupId', drillPrefix: /^pg-drill-/ },
  pair: { start: 'StartPairDrill', describe: 'DescribePairDrills', clear: 'ClearPairDrill',
    owner: 'PairId', drillPrefix: /^drill-/ },
};

// Read: Describe*Drills(owner, DrillId, RegionId), all in the query; Drills[0] or null; a 404
// counts as not found (the delete waiter accepts it).
async function readDrill(tf, kind, ownerId, drillId) {
  const k = DRILL[kind];
  const r = await tf.rpc(k.describe, { [k.owner]: ownerId, DrillId: drillId, RegionId: REGION });
  if (!r.ok && r.error.status === 404) return null;
  assert.ok(r.ok, `${k.describe} failed: ${show(r)}`);
  assert.ok(Array.isArray(r.body.Drills), `no Drills array: ${show(r.body)}`);
  return r.body.Drills[0] ?? null;
}

// Create: Start*Drill (query owner id; body RegionId + a token regenerated per attempt;
// NeedRetry only), then Read at once: a new resource that is not listed is an error.
async function drillCreate(tf, kind, ownerId) {
  const k = DRILL[kind];
  const r = await tf.retry(300, [], () => tf.rpc(k.start, { [k.owner]: ownerId, RegionId: REGION,
    ClientToken: tf.token(k.start) }));
  assert.ok(r.ok, `${k.start} failed: ${show(r)}`);
  assert.deepEqual(Object.keys(r.body).sort(), ['DrillId', 'RequestId'], show(r.body));
  const drillId = r.body.DrillId;
  assert.match(String(drillId), k.drillPrefix, show(r.body));
  const drill = await readDrill(tf, kind, ownerId, drillId);
  assert.ok(drill, `${k.describe} must list drill ${drillId} at once after ${k.start} (§9.4: a new ` +
    'resource that Read cannot find fails the apply)');
  assert.equal(drill.DrillId, drillId, show(drill));
  assert.ok(typeof drill.Status === 'string' && drill.Status !== '', `status must be set: ${show(drill)}`);
  if (kind === 'group') assert.equal(drill.GroupId, ownerId, show(drill));
  return { id: `${ownerId}:${drillId}`, drillId, drill };
}

// Delete: Clear*Drill (query owner id + DrillId, body RegionId, no token; retried on
// InvalidStatus; NotFound is an error), then wait until the drill is gone (empty or 404).
async function drillDelete(tf, kind, ownerId, drillId) {
  const k = DRILL[kind];
  const r = await tf.retry(300, ['OperationDenied.InvalidStatus'],
    () => tf.rpc(k.clear, { [k.owner]: ownerId, DrillId: drillId, RegionId: REGION }));
  assert.ok(r.ok, `${k.clear} failed (Terraform does not treat NotFound as success here): ${show(r)}`);
  const seen = await tf.waitFor(`drill ${drillId} gone`, async () => {
    const item = await readDrill(tf, kind, ownerId, drillId);
    return { state: item ? item.Status : null, item };
  }, { target: [], timeout: 300 });
  return seen;
}

// A group in normal with a member pair, made as the group resource does (setup of §9.4,
// whose acceptance test uses a fixed existing group).
async function normalGroup(tf) {
  const pairId = await createPair(tf);
  const id = await stepCreateGroup(tf);
  await stepRenameAndAddPair(tf, id, pairId);
  await stepStart(tf, id, pairId);
  return { id, pairId };
}

// ---- journal and wire checks shared by the flows ---------------------------------------------

// Which TF calls carry a ClientToken (§9.1): every call of `calls` is journaled once, signed
// with the variant's scheme and verified, with exactly the token the flow sent.
async function checkJournal(url, sdk, calls) {
  const entries = journalRequests(await admin(url, 'GET', '/__admin/journal?limit=100000'))
    .filter((e) => verdictOf(e) === 'ok');
  assert.deepEqual(entries.map((e) => e.action), calls.map((c) => c.action),
    'one journal entry per call, in order');
  entries.forEach((e, i) => {
    assert.equal(e.signature.scheme, SCHEME[sdk], `${e.action}: signature scheme`);
    assert.equal(e.client_token ?? '', calls[i].token ?? '', `${e.action}: ClientToken as Terraform sent it`);
    const noToken = /^(Describe|Clear)/.test(e.action);
    if (noToken) assert.equal(e.client_token ?? '', '', `${e.action}: Terraform sends no ClientToken`);
    else assert.match(e.client_token, new RegExp(`^TF-${e.action}-\\d+-`), `${e.action}: TF token`);
  });
}

// Where each parameter travelled, per recorded exchange (see the header).
function checkPlacement(sdk, exchanges) {
  const api = exchanges.filter((x) => !x.url.startsWith('/__admin'));
  assert.ok(api.length > 0, 'no API exchange recorded');
  for (const x of api) {
    const action = x.headers['x-acs-action'];
    const { query, body } = placementOf(x);
    const all = [...query, ...body].sort();
    if (sdk === 'pop-core') {
      assert.deepEqual(query, [], `${action}: pop-core POST sends no query`);
    } else if (sdk === 'pop-core-get') {
      assert.deepEqual(body, [], `${action}: pop-core GET sends no body`);
    } else if (ALL_IN_QUERY.has(action)) {
      assert.deepEqual(body, [], `${action}: Terraform sends everything in the query, an empty body`);
      assert.equal(x.body, '', `${action}: empty body`);
    } else {
      const q = (QUERY_NAMES[action] ?? []).filter((n) => all.includes(n)).sort();
      assert.deepEqual(query, q, `${action}: query parameters as Terraform sends them`);
      assert.deepEqual(body, all.filter((n) => !q.includes(n)), `${action}: body parameters`);
    }
  }
}

// ---- one server, one driver behind a recording proxy, per SDK variant -------------------------

async function startWorld(sdk, rewrite) {
  const server = await startServer();
  const proxy = await startProxy(server.url, { rewrite });
  const driver = startDriver(sdk, proxy.url);
  const tf = new Terraform(driver, server.url);
  const stop = async () => {
    await stopChild(driver.proc, () => driver.proc.stdin.end());
    await proxy.close();
    await stopChild(server.proc);
  };
  return { server, proxy, driver, tf, stop };
}

for (const sdk of VARIANTS) {
  describe(`terraform alicloud_ebs_disk_replica_group, sdk ${sdk}`, { skip: MISSING ? 'prerequisites missing' : false }, () => {
    let w;
    let tf;
    const s = {}; // ids along the flow
    before(async () => { w = await startWorld(sdk); tf = w.tf; });
    after(async () => { await w?.stop(); });
    const need = (...keys) => keys.forEach((k) => assert.ok(s[k], `no ${k}: an earlier step failed`));

    test('step 0: CreateDiskReplicaPair (same region, zones i -> h), wait for created', async () => {
      s.pair = await createPair(tf);
    });
    test('step 1: CreateDiskReplicaGroup -> created; Read echoes RPO, name, description, resource group, sites', async () => {
      s.group = await stepCreateGroup(tf);
    });
    test('step 2: ChangeResourceGroup (ResourceType=DiskReplicaGroup)', async () => {
      need('group'); await stepChangeResourceGroup(tf, s.group);
    });
    test('step 3: ModifyDiskReplicaGroup (Description)', async () => {
      need('group'); await stepModifyDescription(tf, s.group);
    });
    test('step 4: ModifyDiskReplicaGroup (GroupName), AddDiskReplicaPair, wait until PairIds lists it', async () => {
      need('group', 'pair'); await stepRenameAndAddPair(tf, s.group, s.pair);
    });
    test('step 5: StartDiskReplicaGroup -> LastRecoverPoint set at the poll the group is normal', async () => {
      need('group', 'pair');
      const group = await stepStart(tf, s.group, s.pair);
      // LastRecoverPoint is the instant the group became normal, as the journal records it.
      const progress = (await admin(w.server.url, 'GET', '/__admin/journal?limit=100000')).entries
        .find((e) => e.kind === 'progress' && e.transition?.group === s.group && e.transition?.to === 'normal');
      assert.ok(progress, 'no progress entry for the group becoming normal');
      assert.equal(group.LastRecoverPoint, Date.parse(progress.time) / 1000, show(progress));
      s.started = true;
    });
    test('step 6: FailoverDiskReplicaGroup -> failovered', async () => {
      need('group', 'started'); await stepFailover(tf, s.group, s.pair); s.failovered = true;
    });
    test('step 7: ReprotectDiskReplicaGroup(ReverseReplicate=false) -> stopped', async () => {
      need('group', 'failovered'); await stepReprotect(tf, s.group, s.pair); s.stopped = true;
    });
    test('step 9: RemoveDiskReplicaPair -> PairIds empty, the pair leaves the group', async () => {
      need('group', 'stopped'); await stepRemovePair(tf, s.group, s.pair); s.removed = true;
    });
    test('steps 10-12: tags added, changed, removed; ListTagResources reflects each', async () => {
      need('group');
      await applyTags(tf, s.group, {}, { Created: 'TF', For: 'Test' });
      await applyTags(tf, s.group, { Created: 'TF', For: 'Test' }, { Created: 'TF-update', For: EDGE });
      await applyTags(tf, s.group, { Created: 'TF-update', For: EDGE }, {});
    });
    test('step 13: import reads the same group', async () => {
      need('group');
      const a = await readGroup(tf, s.group);
      const b = await readGroup(tf, s.group);
      assert.deepEqual(b, a);
      assert.equal(a.group.Status, 'stopped');
      assert.equal(a.group.GroupName, GROUP.name2);
    });
    test('destroy: DeleteDiskReplicaGroup until gone, then DeleteDiskReplicaPair until gone', async () => {
      need('group', 'pair', 'removed');
      await stepDeleteGroup(tf, s.group);
      await destroyPair(tf, s.pair);
      const left = await admin(w.server.url, 'GET', '/__admin/groups');
      assert.deepEqual(left.groups, [], show(left));
    });
    test('journal: every call once, verified, with the ClientToken Terraform sent', async () => {
      await checkJournal(w.server.url, sdk, tf.calls);
    });
    test('wire: parameters in the query or the form body as Terraform sends them', () => {
      checkPlacement(sdk, w.proxy.exchanges);
    });
  });

  describe(`terraform alicloud_ebs_replica_group_drill and alicloud_ebs_replica_pair_drill, sdk ${sdk}`,
    { skip: MISSING ? 'prerequisites missing' : false }, () => {
      let w;
      let tf;
      before(async () => { w = await startWorld(sdk); tf = w.tf; });
      after(async () => { await w?.stop(); });

      test('group drill: Start listed at once, import, Clear (with the InvalidStatus retry of TF), gone', async () => {
        const { id: groupId } = await normalGroup(tf);
        const created = await drillCreate(tf, 'group', groupId);
        assert.equal(created.drill.PairsInfo?.length, 1, show(created.drill));
        const imported = await readDrill(tf, 'group', groupId, created.drillId);
        assert.equal(imported.DrillId, created.drillId);
        assert.equal(imported.GroupId, groupId);
        const seen = await drillDelete(tf, 'group', groupId, created.drillId);
        assert.equal(seen.at(-1).item, null);
        assert.equal((await describeGroup(tf, groupId)).Status, 'normal', 'a drill leaves its group as it was');
      });

      test('pair drill: Start listed at once, import, Clear (with the InvalidStatus retry of TF), gone', async () => {
        const pairId = await createPair(tf);
        await tf.must('StartDiskReplicaPair', { RegionId: REGION, ReplicaPairId: pairId });
        await tf.waitFor(`pair ${pairId} synced`, async () => {
          const item = await describePair(tf, pairId);
          return { state: item?.LastRecoverPoint != null ? '#CHECKSET' : 'unset', item };
        }, { target: ['#CHECKSET'], timeout: 1200 });
        const created = await drillCreate(tf, 'pair', pairId);
        for (const f of ['DrillDiskId', 'DrillDiskStatus', 'StartAt', 'RecoverPoint']) {
          assert.ok(created.drill[f] != null, `${f}: ${show(created.drill)}`);
        }
        const imported = await readDrill(tf, 'pair', pairId, created.drillId);
        assert.equal(imported.DrillId, created.drillId);
        const seen = await drillDelete(tf, 'pair', pairId, created.drillId);
        assert.equal(seen.at(-1).item, null);
        assert.equal((await describePair(tf, pairId)).Status, 'normal', 'a drill leaves its pair as it was');
      });

      test('journal: every call once, verified, with the ClientToken Terraform sent (none on Clear)', async () => {
        await checkJournal(w.server.url, sdk, tf.calls);
        const clears = tf.calls.filter((c) => /^Clear/.test(c.action));
        assert.ok(clears.length >= 2, 'both drills were cleared');
      });

      test('wire: Start*Drill GroupId/PairId in the query, RegionId and ClientToken in the body (openapi variants)', () => {
        checkPlacement(sdk, w.proxy.exchanges);
        if (sdk.startsWith('openapi')) {
          const start = w.proxy.exchanges.find((x) => x.headers['x-acs-action'] === 'StartReplicaGroupDrill');
          assert.deepEqual(placementOf(start), { query: ['GroupId'], body: ['ClientToken', 'RegionId'] });
          const clear = w.proxy.exchanges.find((x) => x.headers['x-acs-action'] === 'ClearPairDrill');
          assert.deepEqual(placementOf(clear), { query: ['DrillId', 'PairId'], body: ['RegionId'] });
        }
      });
    });
}

// ---- Terraform's retries over an ambiguous answer (a fault rule: applied, then 504) --------------
// TF retries a 5xx (NeedRetry). CreateDiskReplicaGroup reuses its ClientToken, so the retry
// gets the group the first attempt made; Start*Drill regenerates it (§9.4), so the retry makes
// a second drill and the first is left behind, which the mock reproduces. openapi-core-retry
// retries inside the SDK first, with the same token: one drill.
for (const sdk of VARIANTS) {
  describe(`terraform retries over an ambiguous 504, sdk ${sdk}`, { skip: MISSING ? 'prerequisites missing' : false }, () => {
    let w;
    before(async () => { w = await startWorld(sdk); });
    after(async () => { await w?.stop(); });
    const fault = async (rule) => {
      const res = await fetch(`${w.server.url}/__admin/faults`, { method: 'POST',
        headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule), signal: AbortSignal.timeout(5000) });
      assert.ok(res.ok, await res.text());
    };

    test('CreateDiskReplicaGroup: the retry with the same token gets the group the 504 made', async () => {
      await fault({ id: 'create-504', action: 'CreateDiskReplicaGroup', times: 1, commit: 'after', error: 'RequestTimeout' });
      const id = await stepCreateGroup(w.tf);
      const { groups } = await admin(w.server.url, 'GET', '/__admin/groups');
      assert.deepEqual(groups.map((g) => g.ReplicaGroupId), [id], 'exactly one group');
      const creates = w.tf.calls.filter((c) => c.action === 'CreateDiskReplicaGroup');
      assert.equal(new Set(creates.map((c) => c.token)).size, 1, 'one token for every attempt');
      if (sdk !== 'openapi-core-retry') {
        assert.deepEqual(creates.map((c) => c.result.ok), [false, true], show(creates));
        assert.equal(creates[0].result.error.status, 504);
      }
      w.group = id;
    });

    test('StartReplicaGroupDrill: the retry with a fresh token makes a second drill', async () => {
      assert.ok(w.group, 'no group: the previous test failed');
      const pairId = await createPair(w.tf);
      await stepRenameAndAddPair(w.tf, w.group, pairId);
      await stepStart(w.tf, w.group, pairId);
      await fault({ id: 'drill-504', action: 'StartReplicaGroupDrill', times: 1, commit: 'after', error: 'RequestTimeout' });
      const created = await drillCreate(w.tf, 'group', w.group);
      const listed = await w.tf.rpc('DescribeReplicaGroupDrills', { GroupId: w.group, RegionId: REGION });
      assert.ok(listed.ok, show(listed));
      const ids = listed.body.Drills.map((d) => d.DrillId);
      assert.ok(ids.includes(created.drillId), show(listed.body));
      assert.equal(ids.length, sdk === 'openapi-core-retry' ? 1 : 2,
        `drills after an ambiguous Start*Drill: ${show(listed.body)}`);
    });
  });
}

// ---- the checks can fail: the same steps against answers bent by the proxy ---------------------

describe('the flow checks fail when the answers are wrong (rewriting proxy, openapi-client-v2)',
  { skip: MISSING ? 'prerequisites missing' : false }, () => {
    const sdk = 'openapi-client-v2';
    const groupItems = (action, json) => (action === 'DescribeDiskReplicaGroups' ? json.ReplicaGroups ?? [] : []);

    test('a group that becomes normal one poll after its LastRecoverPoint appears fails step 5', async () => {
      let bent = 0;
      const w = await startWorld(sdk, (action, json) => {
        // The first answer with a LastRecoverPoint still says initial_syncing.
        for (const g of groupItems(action, json)) {
          if (g.LastRecoverPoint != null && g.Status === 'normal' && bent === 0) { g.Status = 'initial_syncing'; bent++; return json; }
        }
        return undefined;
      });
      try {
        const pairId = await createPair(w.tf);
        const id = await stepCreateGroup(w.tf);
        await stepRenameAndAddPair(w.tf, id, pairId);
        await assert.rejects(stepStart(w.tf, id, pairId), /LastRecoverPoint set while Status is initial_syncing/);
        assert.equal(bent, 1);
      } finally { await w.stop(); }
    });

    test('a group normal one poll before its LastRecoverPoint appears fails step 5', async () => {
      let bent = 0;
      const w = await startWorld(sdk, (action, json) => {
        for (const g of groupItems(action, json)) {
          if (g.LastRecoverPoint != null && bent === 0) { delete g.LastRecoverPoint; bent++; return json; }
        }
        return undefined;
      });
      try {
        const pairId = await createPair(w.tf);
        const id = await stepCreateGroup(w.tf);
        await stepRenameAndAddPair(w.tf, id, pairId);
        await assert.rejects(stepStart(w.tf, id, pairId), /Status normal without LastRecoverPoint/);
      } finally { await w.stop(); }
    });

    test('a LastRecoverPoint of 0 before the first sync fails (TF would read it as set)', async () => {
      const w = await startWorld(sdk, (action, json) => {
        let changed = false;
        for (const g of groupItems(action, json)) {
          if (g.LastRecoverPoint == null) { g.LastRecoverPoint = 0; changed = true; }
        }
        return changed ? json : undefined;
      });
      try {
        const pairId = await createPair(w.tf);
        await assert.rejects(stepCreateGroup(w.tf), /never 0/);
        assert.ok(pairId);
      } finally { await w.stop(); }
    });

    test('PairIds that never list the added pair fail step 4 (bounded wait)', async () => {
      const w = await startWorld(sdk, (action, json) => {
        let changed = false;
        for (const g of groupItems(action, json)) { if (g.PairIds?.length) { g.PairIds = []; changed = true; } }
        return changed ? json : undefined;
      });
      try {
        const pairId = await createPair(w.tf);
        const id = await stepCreateGroup(w.tf);
        await assert.rejects(stepRenameAndAddPair(w.tf, id, pairId), /not reached within 300s/);
      } finally { await w.stop(); }
    });

    test('a drill not listed at once after Start*Drill fails the drill create', async () => {
      let bent = 0;
      const w = await startWorld(sdk, (action, json) => {
        if (action === 'DescribeReplicaGroupDrills' && bent === 0) { bent++; json.Drills = []; json.TotalCount = 0; return json; }
        return undefined;
      });
      try {
        const { id } = await normalGroup(w.tf);
        await assert.rejects(drillCreate(w.tf, 'group', id), /must list drill .* at once/);
      } finally { await w.stop(); }
    });

    test('a drill that never vanishes after Clear*Drill fails the drill delete (bounded wait)', async () => {
      let kept = null;
      const w = await startWorld(sdk, (action, json) => {
        if (action !== 'DescribePairDrills') return undefined;
        if (json.Drills?.length) { kept = json.Drills[0]; return undefined; }
        if (kept) { json.Drills = [{ ...kept, Status: 'clearing' }]; json.TotalCount = 1; return json; }
        return undefined;
      });
      try {
        const pairId = await createPair(w.tf);
        await w.tf.must('StartDiskReplicaPair', { RegionId: REGION, ReplicaPairId: pairId });
        await w.tf.advance(60);
        const created = await drillCreate(w.tf, 'pair', pairId);
        await assert.rejects(drillDelete(w.tf, 'pair', pairId, created.drillId), /not reached within 300s/);
      } finally { await w.stop(); }
    });
  });
