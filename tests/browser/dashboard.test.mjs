// dashboard.test.mjs: the live dashboard (GET /__admin/ui on `ebsmock serve`, fed by
// GET /__admin/events) in Debian's chromium through playwright-core, read through its DOM
// and window.ebsmockDashboard, checked against the admin API; never its pixels
// (visual.md §8.3, L1-L8). Each test starts its own `ebsmock serve` on a
// seeded scenario with a virtual clock; the reference client (`ebsmock call`) makes the
// calls. A screenshot of the page is kept in EBSMOCK_ARTEFACT_DIR for people to look at.
// Run by ctest: EBSMOCK_BINARY=... node --test tests/browser/dashboard.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ARTEFACTS, cspViolations, ebsmock, launch, missingPrerequisite, openReport, openServed, serve, tempDir } from './browser_support.mjs';

const MISSING = missingPrerequisite();
test('prerequisites (EBSMOCK_BINARY, chromium, npm ci in tests/browser)', () => {
  assert.equal(MISSING, null, MISSING ?? '');
});

const NORMAL = 'pair-cn-dash00000000000n1';
const STOPPING = 'pair-cn-dash00000000000s1';
const MEMBER = 'pair-cn-dash00000000000g1';
const GROUP = 'pg-dash0000000000g1';
const SCENARIO = `[scenario]
name = "dashboard-test"
seed = 11

[[credential]]
access_key_id = "testid"
access_key_secret = "testsecret"

[clock]
mode = "virtual"

[timing]
stop = "20s"

[[pair]]
id = "${NORMAL}"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "normal"

[[pair]]
id = "${STOPPING}"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "stopping"

[[pair]]
id = "${MEMBER}"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "normal"

[[group]]
id = "${GROUP}"
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "normal"
pairs = ["${MEMBER}"]

# The first two Stop calls answer 500: the reference client retries with one ClientToken.
[[fault]]
id = "stop-500-twice"
action = "StopDiskReplicaPair"
calls = [1, 2]
error = "InternalError"
`;

// fetch() of one of the server's paths. undici says only "fetch failed": name the cause,
// and whether the server is still up and what it printed, so a failure here can be told
// from a server that died.
async function fetchFrom(server, path, options = {}) {
  try {
    return await fetch(`${server.url}${path}`, options);
  } catch (e) {
    const alive = server.proc.exitCode === null && server.proc.signalCode === null;
    throw new Error(`${path}: ${e.message} (${e.cause?.code ?? e.cause ?? 'no cause'}); server ${alive ? 'running' : `exited ${server.proc.exitCode ?? server.proc.signalCode}`}; its stderr: ${server.stderr().slice(-4000)}`);
  }
}

async function admin(server, path, options = {}) {
  const r = await fetchFrom(server, path, options);
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: r.status, json, text };
}

// The status alone, the body left unread: a stream that wrongly opens fails the test at
// once instead of holding it until ctest's timeout.
async function statusOf(server, path) {
  const r = await fetchFrom(server, path);
  await r.body?.cancel();
  return r.status;
}

function call(server, action, params, attempts = 1) {
  const args = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  return ebsmock(['call', action, ...args, '--endpoint', server.url, '--attempts', String(attempts)]);
}

const describePairs = (server) => call(server, 'DescribeDiskReplicaPairs', { RegionId: 'cn-hangzhou' });

// What the page counts as an entry about pair or group `id` (dashboard.js idsOf).
function about(e, kind, id) {
  const p = e.params || {};
  const keys = kind === 'pair' ? ['ReplicaPairId', 'PairId', 'PairIds'] : ['ReplicaGroupId', 'GroupId', 'GroupIds'];
  for (const k of keys) if (typeof p[k] === 'string' && (p[k].match(/[A-Za-z0-9_-]+/g) || []).includes(id)) return true;
  return [e.transition, ...(e.member_transitions || [])].some((t) => t && t[kind] === id);
}

async function waitLive(page) {
  await page.waitForFunction(() => document.querySelector('#stream-state').textContent === 'live', null, { timeout: 2000 });
}

// The seqs of the rows in the DOM (all of them while the journal is short).
async function domRows(page) {
  return page.$$eval('#journal-view .jrow', (rows) => rows.map((r) => ({ seqs: r.dataset.seqs.split(',').map(Number), count: Number(r.dataset.count), token: r.dataset.token })));
}

describe('live dashboard', { skip: MISSING ? 'prerequisites missing' : false }, () => {
  let dir;
  let scenario;
  let browser;
  const servers = [];
  const start = async (args = []) => {
    const s = await serve(['--scenario', scenario, ...args]);
    servers.push(s);
    return s;
  };

  before(async () => {
    dir = tempDir();
    scenario = join(dir, 'dashboard.toml');
    writeFileSync(scenario, SCENARIO);
    browser = await launch();
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await browser?.close();
  });

  test('L1 loads hermetically, reads "live" within 2 s, shows the health clock', async () => {
    const server = await start();
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui`, server.url);
    await waitLive(page);
    const health = (await admin(server, '/__admin/health')).json;
    await page.waitForFunction((now) => document.querySelector('#clock').textContent === now, health.clock.now, { timeout: 2000 });
    assert.equal(await page.textContent('#scenario'), 'dashboard-test');
    assert.equal(await page.textContent('#seed'), '11');
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.requests, [], 'nothing but the mock itself');
    assert.deepEqual(await cspViolations(page), []);
    const csp = (await fetchFrom(server, '/__admin/ui')).headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    await context.close();
    await server.stop();
  });

  test('L2 journal rows equal the journal; retries collapse by ClientToken; filters narrow exactly', async () => {
    const server = await start();
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui`, server.url);
    await waitLive(page);
    for (let i = 0; i < 4; i++) assert.equal(describePairs(server).code, 0);
    const stop = call(server, 'StopDiskReplicaPair', { RegionId: 'cn-hangzhou', ReplicaPairId: NORMAL }, 3);
    assert.equal(stop.code, 0, stop.stderr);
    const groupStop = call(server, 'StopDiskReplicaGroup', { RegionId: 'cn-hangzhou', ReplicaGroupId: GROUP });
    assert.equal(groupStop.code, 0, groupStop.stderr);
    const journal = (await admin(server, '/__admin/journal')).json.entries;
    await page.waitForFunction((n) => document.querySelector('#journal-summary').dataset.total === String(n), journal.length, { timeout: 1000 });
    const rows = await domRows(page);
    assert.deepEqual(rows.flatMap((r) => r.seqs).sort((a, b) => a - b), journal.map((e) => e.seq), 'every entry in exactly one row');
    const stops = journal.filter((e) => e.action === 'StopDiskReplicaPair');
    assert.equal(stops.length, 3);
    assert.equal(new Set(stops.map((e) => e.client_token)).size, 1, 'the reference client retried with one token');
    const group = rows.filter((r) => r.token === stops[0].client_token);
    assert.equal(group.length, 1, 'three retries, one row');
    assert.equal(group[0].count, 3);
    assert.deepEqual(group[0].seqs, stops.map((e) => e.seq));

    const narrowed = async (field, value, predicate) => {
      await page.fill(`#filter-${field}`, value);
      const want = journal.filter(predicate).map((e) => e.seq);
      await page.waitForFunction((n) => document.querySelector('#journal-summary').dataset.entries === String(n), want.length, { timeout: 1000 });
      const got = (await domRows(page)).flatMap((r) => r.seqs).sort((a, b) => a - b);
      assert.deepEqual(got, want, `${field}=${value}`);
      await page.fill(`#filter-${field}`, '');
    };
    await narrowed('action', 'DescribeDiskReplicaPairs', (e) => e.action === 'DescribeDiskReplicaPairs');
    await narrowed('pair', NORMAL, (e) => about(e, 'pair', NORMAL));
    assert.ok(journal.some((e) => about(e, 'group', GROUP)) && journal.some((e) => !about(e, 'group', GROUP)), 'the group filter has something to leave out');
    await narrowed('group', GROUP, (e) => about(e, 'group', GROUP));
    await narrowed('pair', MEMBER, (e) => about(e, 'pair', MEMBER));
    await narrowed('status', '500', (e) => e.status === 500);
    await narrowed('rule', 'stop-500-twice', (e) => e.fault && e.fault.rule === 'stop-500-twice');
    await narrowed('token', stops[0].client_token, (e) => e.client_token === stops[0].client_token);

    // L5: the outcome chart's stacked counts are the journal's, and the rule that fired has its band.
    const drawn = await page.$$eval('#outcome-chart rect[data-count]', (rs) => rs.map((r) => ({ cls: r.getAttribute('class'), n: Number(r.dataset.count) })));
    const byClass = (cls) => drawn.filter((r) => r.cls === cls).reduce((a, r) => a + r.n, 0);
    const answered = journal.filter((e) => e.kind === 'request');
    assert.equal(byClass('ok'), answered.filter((e) => e.status >= 200 && e.status < 300).length);
    assert.equal(byClass('error'), answered.filter((e) => e.status >= 500).length);
    assert.equal(await page.locator('#outcome-chart rect.band[data-rule="stop-500-twice"]').count(), 1);

    // A row opens its params, its transition and a curl command.
    await page.click(`#journal-view .jrow[data-token="${stops[0].client_token}"]`);
    assert.match(await page.textContent('#details-body'), new RegExp(`"ReplicaPairId": "${NORMAL}"`));
    assert.match(await page.textContent('#details-body'), /transition: pair .* normal → stopping/);
    assert.match(await page.textContent('#details-curl'), new RegExp(`^curl -sS -X POST '${server.url}/\\?Action=StopDiskReplicaPair&Version=2021-07-30'.*--data-urlencode 'ReplicaPairId=${NORMAL}'`, 's'));
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
    await server.stop();
  });

  test('L3 rules: posted rule appears and counts; a typo shows line:col and is not applied; delete takes two clicks', async () => {
    const server = await start();
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui`, server.url);
    await waitLive(page);
    const posted = await admin(server, '/__admin/faults', { method: 'POST', body: '[[fault]]\nid = "page-rule"\naction = "DescribeDiskReplicaPairs"\nerror = "InternalError"\n' });
    assert.equal(posted.status, 201, posted.text);
    const fired = (id) => page.textContent(`tr.rule[data-id="${id}"] td.fired`);
    await page.waitForSelector('tr.rule[data-id="page-rule"]', { timeout: 1000 });
    assert.equal(await fired('page-rule'), '0');
    describePairs(server);
    await page.waitForFunction(() => document.querySelector('tr.rule[data-id="page-rule"] td.fired').textContent === '1', null, { timeout: 1000 });

    await page.fill('#rule-toml', '[[fault]]\nid = "typo"\nactoin = "DescribeDiskReplicaPairs"\n');
    await page.click('#add-rule');
    await page.waitForSelector('#rule-errors:not([hidden])', { timeout: 1000 });
    assert.match(await page.textContent('#rule-errors'), /:3:\d+/, 'the lint names the line and column');
    const rules = (await admin(server, '/__admin/faults')).json.rules.map((r) => r.id);
    assert.ok(!rules.includes('typo'), 'a broken rule is not applied');

    await page.fill('#rule-toml', '[[fault]]\nid = "from-page"\naction = "DescribeDiskReplicaPairs"\nerror = "Throttling"\n');
    await page.click('#add-rule');
    await page.waitForSelector('tr.rule[data-id="from-page"]', { timeout: 1000 });

    await page.click('tr.rule[data-id="page-rule"] button.delete');
    assert.ok((await admin(server, '/__admin/faults')).json.rules.some((r) => r.id === 'page-rule'), 'one click only arms');
    await page.click('tr.rule[data-id="page-rule"] button.delete');
    const deadline = Date.now() + 1000;
    while ((await admin(server, '/__admin/faults')).json.rules.some((r) => r.id === 'page-rule')) {
      assert.ok(Date.now() < deadline, 'the second click deletes');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
    await server.stop();
  });

  test('L4 "advance 30 s" moves a stopping pair to stopped and counts the edge', async () => {
    const server = await start();
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui`, server.url);
    await waitLive(page);
    const cardStatus = `.card[data-id="${STOPPING}"] .status`;
    const edge = 'svg#coverage-pair g.edge[data-from="stopping"][data-to="stopped"]';
    await page.waitForSelector(cardStatus, { timeout: 1000 });
    assert.equal(await page.textContent(cardStatus), 'stopping');
    assert.match(await page.textContent(`.card[data-id="${STOPPING}"] .pending`), /stopped in 20 s/);
    assert.equal(await page.getAttribute(edge, 'data-visits'), '0');
    await page.click('button[data-advance="30s"]');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === 'stopped', cardStatus, { timeout: 1000 });
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.visits === '1', edge, { timeout: 1000 });
    assert.equal((await admin(server, '/__admin/pairs')).json.pairs.find((p) => p.ReplicaPairId === STOPPING).Status, 'stopped');
    const health = (await admin(server, '/__admin/health')).json;
    await page.waitForFunction((now) => document.querySelector('#clock').textContent === now, health.clock.now, { timeout: 1000 });
    // Some traffic for the picture.
    for (let i = 0; i < 3; i++) describePairs(server);
    call(server, 'StopDiskReplicaPair', { RegionId: 'cn-hangzhou', ReplicaPairId: NORMAL }, 3);
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(ARTEFACTS, 'dashboard.png'), fullPage: true });
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
    await server.stop();
  });

  test('L6 a dropped stream and a restart on the same journal file resume with no repeated or missing seq', async () => {
    const journalFile = join(dir, 'resume.jsonl');
    let server = await start(['--journal-file', journalFile]);
    const { port } = server;
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui`, server.url);
    await waitLive(page);
    const caughtUp = async (s) => {
      const last = (await admin(s, '/__admin/health')).json.journal.last_seq;
      await page.waitForFunction((n) => window.ebsmockDashboard.lastSeq === n, last, { timeout: 3000 });
      return last;
    };
    const received = () => page.evaluate(() => window.ebsmockDashboard.received.slice());
    const oneTo = (n) => Array.from({ length: n }, (_, i) => i + 1);
    for (let i = 0; i < 3; i++) describePairs(server);
    await caughtUp(server);
    await page.evaluate(() => window.ebsmockDashboard.dropStream());
    for (let i = 0; i < 3; i++) describePairs(server);
    let last = await caughtUp(server);
    assert.deepEqual(await received(), oneTo(last), 'after a dropped stream');

    await server.stop();
    server = await start(['--journal-file', journalFile, '--port', String(port)]);
    for (let i = 0; i < 3; i++) describePairs(server);
    last = await caughtUp(server);
    assert.equal(last, 9, 'the restarted server numbers on from the file');
    assert.deepEqual(await received(), oneTo(last), 'after a restart');
    assert.deepEqual(await page.evaluate(() => window.ebsmockDashboard.gaps), []);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
    await server.stop();
  });

  test('L7 with --admin-token: 401 without it, works with it (cookie); a non-loopback peer is refused', async () => {
    const token = 'dash-token-31337';
    const server = await start(['--admin-token', token]);
    assert.equal(await statusOf(server, '/__admin/ui'), 401);
    assert.equal(await statusOf(server, '/__admin/events'), 401);
    assert.equal(await statusOf(server, '/__admin/ui?token=wrong'), 401);
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui?token=${token}`, server.url);
    await waitLive(page);
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    const health = (await admin(server, '/__admin/health', { headers: { 'x-ebsmock-admin-token': token } })).json;
    assert.equal(await page.textContent('#clock'), health.clock.now);
    await page.click('button[data-advance="1s"]');
    await page.waitForFunction((now) => document.querySelector('#clock').textContent !== now, health.clock.now, { timeout: 1000 });
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
    await server.stop();

    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return;  // no non-loopback address on this machine: the C++ test covers the rule
    const open = await start(['--host', '0.0.0.0']);
    for (const path of ['/__admin/ui', '/__admin/events']) {
      const r = await fetch(`http://${external.address}:${open.port}${path}`);
      assert.equal(r.status, 403, `${path} from ${external.address}`);
    }
    await open.stop();
  });

  test('L8 a drill whose expectation fails ends serve --until-verdict with 1 and a hermetic report; save report downloads one', async () => {
    const drill = (expect) => {
      const file = join(dir, `drill-${Math.random().toString(36).slice(2)}.toml`);
      writeFileSync(file, `${SCENARIO}
[[fault]]
id = "never-matches"
action = "DeleteDiskReplicaPair"
commit = "after"
error = "InternalError"

[expect]
${expect}
`);
      return file;
    };
    const runDrill = async (expect, name) => {
      const html = join(dir, `${name}.html`);
      const s = await serve(['--scenario', drill(expect), '--until-verdict', '--drill-report', html]);
      servers.push(s);
      for (let i = 0; i < 3; i++) describePairs(s);
      const code = await s.exited;
      return { code, html, json: join(dir, `${name}.json`), stdout: s.stdout() };
    };
    const failing = await runDrill('requests = 3\nconsistent_transitions = true\nambiguous_rules_fire = true', 'failing');
    assert.equal(failing.code, 1, failing.stdout);
    assert.match(failing.stdout, /drill verdict: FAIL/);
    assert.match(failing.stdout, /D2 fail/);
    const passing = await runDrill('requests = 3\nmin_requests = 3\nmax_error_percent = 0', 'passing');
    assert.equal(passing.code, 0, passing.stdout);
    assert.match(passing.stdout, /drill verdict: PASS/);

    // The saved report passes the report's hermetic (B0) and data-island (B1) checks.
    for (const run of [failing, passing]) {
      const { context, page, problems } = await openReport(browser, run.html);
      await page.waitForFunction(() => document.documentElement.classList.contains('js'));
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
      assert.deepEqual(problems.requests, []);
      assert.deepEqual(await cspViolations(page), []);
      const island = await page.evaluate(() => JSON.parse(document.getElementById('ebsmock-report').textContent));
      assert.deepEqual(island, JSON.parse(readFileSync(run.json, 'utf8')));
      assert.equal(await page.textContent('#verdict-word'), run === failing ? 'FAIL' : 'PASS');
      await context.close();
      // B0's other half: the verdict reads without JavaScript.
      const still = await openReport(browser, run.html, { javaScriptEnabled: false });
      assert.equal(await still.page.textContent('#verdict-word'), run === failing ? 'FAIL' : 'PASS');
      await still.context.close();
    }

    // Live: the status bar shows the verdict so far; "save report" downloads the page.
    const server = await serve(['--scenario', drill('min_requests = 2\nrules_fire = ["stop-500-twice"]')]);
    servers.push(server);
    const { context, page, problems } = await openServed(browser, `${server.url}/__admin/ui`, server.url);
    await waitLive(page);
    await page.waitForFunction(() => document.querySelector('#drill-verdict').textContent === 'drill: inconclusive', null, { timeout: 1000 });
    assert.equal(call(server, 'StopDiskReplicaPair', { RegionId: 'cn-hangzhou', ReplicaPairId: NORMAL }, 3).code, 0);
    await page.waitForFunction(() => document.querySelector('#drill-verdict').textContent === 'drill: pass', null, { timeout: 1000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-report')]);
    const saved = join(dir, 'saved.html');
    await download.saveAs(saved);
    const text = readFileSync(saved, 'utf8');
    assert.match(text, /id="ebsmock-report"/);
    assert.match(text, /id="verdict-word">PASS</);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
    await server.stop();
  });
});
