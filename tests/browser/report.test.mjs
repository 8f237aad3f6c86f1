// report.test.mjs: the HTML contract report in a real browser (Debian's chromium through
// playwright-core), read through its DOM and its embedded JSON, never its pixels
// (visual.md §8.3). Run by ctest: EBSMOCK_BINARY=... node --test tests/browser/report.test.mjs
// Every page comes from a seeded `ebsmock contract` run (or `report render` of its JSON),
// written to a temporary folder; a full-page screenshot of a failing report is kept in
// EBSMOCK_ARTEFACT_DIR for people to look at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTEFACTS, cspViolations, ebsmock, launch, missingPrerequisite, openReport, tempDir } from './browser_support.mjs';

const MISSING = missingPrerequisite();
test('prerequisites (EBSMOCK_BINARY, chromium, npm ci in tests/browser)', () => {
  assert.equal(MISSING, null, MISSING ?? '');
});

// Every builtin mutant of a sequential run, with what makes its bug show: --strict for the
// advisories, --groups for the group mutants (the --concurrent ones have their own page).
const MUTANTS = [
  ['new-token-on-retry', []], ['retries-4xx', []], ['504-is-success', []], ['ignores-error-code', []],
  ['bad-encoding', []], ['reuses-token', []], ['no-retry', ['--strict']], ['no-backoff', ['--strict']],
  ['ignores-retry-after', ['--strict']], ['member-pair-stop', ['--groups']], ['failover-504-new-token', ['--groups']],
  ['recover-point-before-normal', ['--groups']], ['drill-new-token', ['--groups']],
];

describe('HTML contract report', { skip: MISSING ? 'prerequisites missing' : false }, () => {
  let dir;
  let browser;
  const runs = {};  // name -> { code, json, html, toml }

  function contract(name, client, extra = []) {
    const html = join(dir, `${name}.html`);
    const json = join(dir, `${name}.json`);
    const toml = join(dir, `${name}.toml`);
    const r = ebsmock(['contract', '--client', client, '--seed', '7', '--tests', '60', '--report', json, '--html', html,
      '--save-counterexample', toml, ...extra]);
    runs[name] = { code: r.code, html, json, toml, report: JSON.parse(readFileSync(json, 'utf8')), output: r.stdout + r.stderr };
    return runs[name];
  }

  // Replays one call of `action` on `world` (a scenario's TOML) whose first attempt is
  // applied and then answered 504 (an ambiguous failure), with `client`; the run must fail.
  function ambiguousReplay(name, world, client, action, params) {
    const history = join(dir, `${name}.toml`);
    writeFileSync(history, `${world}\n[[fault]]\naction = "${action}"\ntimes = 1\ncommit = "after"\nerror = "RequestTimeout"\n\n` +
      `#@ ${JSON.stringify({ action, call: 1, created: [], params })}\n`);
    const html = join(dir, `${name}.html`);
    const json = join(dir, `${name}.json`);
    const r = ebsmock(['contract', '--client', client, '--replay', history, '--html', html, '--report', json]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    return { html, report: JSON.parse(readFileSync(json, 'utf8')) };
  }

  before(async () => {
    dir = tempDir();
    contract('pass', 'builtin:reference');
    for (const [m, extra] of MUTANTS) contract(m, `builtin:${m}`, extra);
    browser = await launch();
  });
  after(async () => { await browser?.close(); });

  test('B0 hermetic: no error, no request, no CSP violation; verdict and SVGs without JavaScript', async () => {
    for (const name of ['pass', 'new-token-on-retry', '504-is-success']) {
      const { context, page, problems } = await openReport(browser, runs[name].html);
      await page.waitForFunction(() => document.documentElement.classList.contains('js'));
      assert.deepEqual(problems.pageErrors, [], name);
      assert.deepEqual(problems.consoleErrors, [], name);
      assert.deepEqual(problems.requests, [], name);
      assert.deepEqual(await cspViolations(page), [], name);
      await context.close();
    }
    const { context, page } = await openReport(browser, runs['new-token-on-retry'].html, { javaScriptEnabled: false });
    assert.equal(await page.textContent('#verdict-word'), 'FAIL');
    assert.equal(await page.locator('svg#timeline-svg').count(), 1);
    assert.equal(await page.locator('svg#sequence-svg').count(), 1);
    assert.equal(await page.locator('svg#coverage-pair').count(), 1);
    assert.ok(await page.locator('svg#timeline-svg').isVisible(), 'the timeline is drawn without JS');
    assert.ok(await page.locator('svg#coverage-pair').isVisible(), 'the coverage diagram is drawn without JS');
    assert.ok(await page.locator('.step-detail').first().isVisible(), 'step details readable without JS');
    await context.close();
  });

  test('B1 the data island is the JSON report; the same seed gives the same bytes', async () => {
    for (const name of Object.keys(runs)) {
      const { context, page } = await openReport(browser, runs[name].html);
      const island = await page.evaluate(() => JSON.parse(document.getElementById('ebsmock-report').textContent));
      assert.deepEqual(island, runs[name].report, name);
      await context.close();
    }
    const again = join(dir, 'again.html');
    ebsmock(['contract', '--client', 'builtin:new-token-on-retry', '--seed', '7', '--tests', '60', '--html', again]);
    assert.ok(readFileSync(again).equals(readFileSync(runs['new-token-on-retry'].html)), 'same seed, same HTML bytes');
    const rendered = join(dir, 'rendered.html');
    assert.equal(ebsmock(['report', 'render', runs['new-token-on-retry'].json, '-o', rendered]).code, 0);
    assert.ok(readFileSync(rendered).equals(readFileSync(runs['new-token-on-retry'].html)), 'report render = contract --html');
  });

  test('B2/B3 verdict, checks and timeline agree with the run for the reference client and every mutant', async () => {
    for (const [name, run] of Object.entries(runs)) {
      const { context, page } = await openReport(browser, run.html);
      const word = await page.textContent('#verdict-word');
      assert.equal(word, run.code === 0 ? 'PASS' : 'FAIL', `${name}: exit ${run.code}`);
      assert.equal(await page.locator('table.checks tbody tr').count(), run.report.checks.length, name);
      if (name === 'pass') {
        assert.equal(await page.locator('#timeline .none').count(), 1, 'no counterexample drawn for a pass');
        await context.close();
        continue;
      }
      const steps = run.report.counterexample.steps;
      const attempts = steps.reduce((n, s) => n + (s.attempts?.length ?? 0), 0);
      assert.equal(await page.locator('#timeline-svg g.attempt').count(), attempts, `${name}: one box per attempt`);
      const violating = steps.filter((s) => s.violations?.length).map((s) => String(s.index));
      assert.deepEqual(await page.locator('#timeline-svg g.call.violation').evaluateAll((els) => els.map((e) => e.dataset.step)),
        violating, name);
      // Every ambiguous attempt (applied, then an error or no answer) has one commit mark, tied
      // to the segment of a resource lane that its change started.
      const ambiguous = steps.flatMap((s) => (s.attempts ?? []).filter((a) =>
        a.effect_applied && a.fault?.commit === 'after' && !(a.status >= 200 && a.status < 300)));
      const notches = await page.locator('#timeline-svg .commit-notch').evaluateAll((els) => els.map((e) => e.dataset.transition));
      assert.equal(notches.length, ambiguous.length, `${name}: one commit mark per ambiguous attempt`);
      for (const [i, id] of notches.entries()) {
        const segment = page.locator(`#timeline-svg g.resource-lane g.segment#${id}`);
        assert.equal(await segment.count(), 1, `${name}: commit mark ${id} names a lane segment`);
        const to = ambiguous[i].transition?.split(' -> ')[1]?.split(' ')[0];
        assert.equal(await segment.getAttribute('data-status'), to, `${name}: ${ambiguous[i].transition}`);
      }
      // The failed check's row links to the step that broke it, and the link selects it.
      const failed = run.report.checks.find((c) => c.verdict === 'fail');
      assert.ok(failed, `${name} has a failed check`);
      const link = page.locator(`#check-${failed.id} a.to-step`);
      assert.equal(await link.count(), 1, `${name}: ${failed.id} links to its step`);
      const target = await link.getAttribute('data-step');
      assert.ok(violating.includes(target), name);
      await link.click();
      assert.equal(await page.evaluate(() => document.body.dataset.selectedStep), target);
      assert.ok(await page.locator(`#detail-${target}`).isVisible());
      await page.click('#jump-first-violation');
      const box = await page.locator(`#step-${violating[0]}`).boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 800, `${name}: the first violation is in view after the jump`);
      // Hovering an attempt shows its ClientToken and fault rule.
      const first = steps.find((s) => s.attempts?.length).attempts[0];
      const title = await page.locator('#timeline-svg g.attempt title').first().textContent();
      assert.ok(title.includes(first.client_token || '(none)'), title);
      if (first.fault) assert.ok(title.includes(first.fault.rule), title);
      await context.close();
    }
  });

  test('B3 an ambiguous failure: the commit mark inside the attempt, tied to the change it made', async () => {
    // Terraform's drill resources retry Start*Drill with a fresh ClientToken. The world of a
    // --groups run, one StartPairDrill whose first attempt is applied and then answered 504.
    const saved = join(dir, 'drill-world.toml');
    ebsmock(['contract', '--client', 'builtin:drill-new-token', '--groups', '--seed', '7', '--tests', '100',
      '--save-counterexample', saved]);
    const world = readFileSync(saved, 'utf8').split('\n#@')[0].replace(/^replay_mode = .*$/m, '');
    const { html, report } = ambiguousReplay('ambiguous', world, 'builtin:drill-new-token', 'StartPairDrill',
      { PairId: 'pair-cn-7xk2m9d1q8w3e5r0', RegionId: 'cn-hangzhou' });
    const first = report.counterexample.steps[0].attempts[0];
    assert.equal(first.status, 504);
    assert.equal(first.effect_applied, true);
    const { context, page } = await openReport(browser, html);
    const notches = await page.locator('#timeline-svg .commit-notch').evaluateAll((els) => els.map((e) => e.dataset.transition));
    assert.equal(notches.length, 1, 'one ambiguous attempt, one commit mark');
    const segment = page.locator(`#timeline-svg #${notches[0]}`);
    assert.equal(await segment.count(), 1, 'the mark names a segment of a resource lane');
    assert.equal(await segment.getAttribute('data-status'), 'executing');
    assert.ok(first.transition.endsWith('-> executing'), first.transition);
    // The fresh-token retry made a second drill: two drill lanes start.
    assert.equal(await page.locator('#timeline-svg g.resource-lane').count(), 2);
    await context.close();
  });

  test('B3 an ambiguous Stop (the world of scenarios/ambiguous-stop-504.toml): the commit mark on the pair lane', async () => {
    // The mutant retries the Stop that was applied and answered 504 with a fresh ClientToken,
    // is refused (the pair is already stopping) and reports that refusal: C4 and C6.
    // (the scenario's own fault, with delay = "3s", did not fire under `contract --replay`: the
    // run passed; this fault is the same without the delay)
    const world = readFileSync(new URL('../../scenarios/ambiguous-stop-504.toml', import.meta.url), 'utf8').split('[[fault]]')[0];
    const { html, report } = ambiguousReplay('ambiguous-stop', world, 'builtin:new-token-on-retry', 'StopDiskReplicaPair',
      { RegionId: 'cn-hangzhou', ReplicaPairId: 'pair-cn-7xk2m9d1q8w3e5r0' });
    const [first, retry] = report.counterexample.steps[0].attempts;
    assert.equal(first.status, 504);
    assert.equal(first.effect_applied, true);
    assert.equal(first.transition, 'pair-cn-7xk2m9d1q8w3e5r0 normal -> stopping');
    assert.notEqual(retry.client_token, first.client_token);
    assert.deepEqual(report.checks.filter((c) => c.verdict === 'fail').map((c) => c.id), ['C4', 'C6']);
    const { context, page } = await openReport(browser, html);
    const notches = await page.locator('#timeline-svg .commit-notch').evaluateAll((els) => els.map((e) => e.dataset.transition));
    assert.equal(notches.length, 1, 'one ambiguous attempt, one commit mark');
    const lane = page.locator('#timeline-svg g.resource-lane[data-resource="pair pair-cn-7xk2m9d1q8w3e5r0"]');
    assert.equal(await lane.count(), 1, 'the pair has its lane');
    assert.equal(await lane.locator(`g.segment#${notches[0]}`).getAttribute('data-status'), 'stopping',
      'the mark names the segment of the pair lane its change started');
    assert.equal(await lane.locator('g.segment').first().getAttribute('data-status'), 'normal', 'the lane starts normal');
    await context.close();
  });

  test('B4 the inspector: Model and Contract tabs show the JSON; arrow keys move between steps', async (t) => {
    const run = runs['new-token-on-retry'];
    const { context, page } = await openReport(browser, run.html);
    const step = run.report.counterexample.steps.find((s) => s.violations?.length);
    const detail = page.locator(`#detail-${step.index}`);
    await detail.locator('.tabs button[data-tab="contract"]').click();
    assert.ok((await detail.locator('.expected').textContent()).includes(step.expected));
    assert.ok((await detail.locator('.reported').textContent()).includes(step.reported.code));
    await detail.locator('.tabs button[data-tab="attempts"]').click();
    assert.equal(await detail.locator('.attempts-table tbody tr').count(), step.attempts.length);
    await context.close();

    // Many steps (the report of a long history): arrows walk them, the DOM stays bounded.
    const big = structuredClone(run.report);
    const template = big.counterexample.steps[0];
    big.counterexample.steps = Array.from({ length: 10_000 }, (_, i) => {
      const s = structuredClone(template);
      s.index = i + 1;
      if (i !== 6_000) delete s.violations;
      return s;
    });
    const bigJson = join(dir, 'big.json');
    const bigHtml = join(dir, 'big.html');
    writeFileSync(bigJson, JSON.stringify(big));
    assert.equal(ebsmock(['report', 'render', bigJson, '-o', bigHtml]).code, 0);
    const started = Date.now();
    const opened = await openReport(browser, bigHtml);
    await opened.page.waitForFunction(() => document.body.dataset.selectedStep);
    const ms = Date.now() - started;
    const elements = await opened.page.evaluate(() => document.getElementsByTagName('*').length);
    t.diagnostic(`10,000 steps: page open and first step selected in ${ms} ms, ${elements} elements`);
    assert.ok(ms < 15_000, `10,000 steps opened in ${ms} ms`);
    assert.ok(elements < 60_000, `bounded DOM: ${elements} elements`);
    assert.equal(await opened.page.evaluate(() => document.body.dataset.selectedStep), '6001', 'the violation is selected');
    await opened.page.keyboard.press('ArrowRight');
    assert.equal(await opened.page.evaluate(() => document.body.dataset.selectedStep), '6002');
    await opened.page.keyboard.press('ArrowLeft');
    await opened.page.keyboard.press('ArrowLeft');
    assert.equal(await opened.page.evaluate(() => document.body.dataset.selectedStep), '6000');
    assert.ok((await opened.page.textContent('#window-note')).includes('of 10000'));
    await opened.context.close();
  });

  test('B5 sequence: two messages per attempt, retries framed by their ClientToken', async () => {
    for (const name of ['new-token-on-retry', 'retries-4xx', '504-is-success']) {
      const run = runs[name];
      const { context, page } = await openReport(browser, run.html);
      const attempts = run.report.counterexample.steps.flatMap((s) => s.attempts ?? []);
      assert.equal(await page.locator('#sequence-svg g.message').count(), attempts.length * 2, name);
      const frames = await page.locator('#sequence-svg g.token-frame').evaluateAll((els) => els.map((e) => e.dataset.token));
      for (const token of frames) assert.ok(attempts.filter((a) => a.client_token === token).length >= 2, `${name}: ${token}`);
      const mermaid = await page.textContent('#mermaid');
      assert.ok(mermaid.startsWith('sequenceDiagram\n'), mermaid);
      assert.equal((mermaid.match(/C->>M:/g) ?? []).length, attempts.length);
      await context.close();
    }
  });

  test('B6 matrix: every cell equals the JSON; a cell filters the step list', async () => {
    // (bad-encoding's run has a cell whose fault was armed and never fired; member-pair-stop's
    // counterexample spans several cells)
    for (const name of ['pass', 'new-token-on-retry', 'retries-4xx', 'bad-encoding', 'member-pair-stop']) {
      const run = runs[name];
      const { context, page } = await openReport(browser, run.html);
      const matrix = Object.values(run.report.matrix)[0];
      const cells = await page.locator('td.cell').evaluateAll((els) => els.map((e) => ({
        fault: e.dataset.fault, action: e.dataset.action, calls: Number(e.dataset.calls),
        fired: e.dataset.fired === undefined ? undefined : Number(e.dataset.fired),
        effect: e.dataset.tookEffect === undefined ? undefined : Number(e.dataset.tookEffect),
        hatched: e.classList.contains('not-exercised'),
        armedNeverFired: e.classList.contains('armed-never-fired'),
        tokenSame: Number(e.dataset.tokenSame), tokenChanged: Number(e.dataset.tokenChanged),
        attempts: e.querySelector('.attempts')?.textContent, reported: e.querySelector('.reported')?.textContent,
      })));
      const axes = run.report.matrix_axes;
      assert.ok(cells.length >= axes.faults.length * axes.actions.length, name);
      let exercised = 0;
      let armedNeverFired = 0;
      for (const c of cells) {
        const want = matrix[c.fault]?.[c.action];
        assert.equal(c.calls, want?.calls ?? 0, `${name} ${c.fault} x ${c.action}`);
        assert.equal(c.hatched, !want, `${name} ${c.fault} x ${c.action}`);
        if (want) {
          ++exercised;
          const what = `${name} ${c.fault} x ${c.action}`;
          assert.equal(c.fired, want.fault_fired, what);
          assert.equal(c.effect, want.took_effect, what);
          assert.equal(c.tokenSame, want.token.same, what);
          assert.equal(c.tokenChanged, want.token.changed, what);
          // (in the JSON's key order: string order, as the report writes its objects)
          assert.equal(c.attempts, Object.keys(want.attempts).sort().map((n) => `${want.attempts[n]}×${n}`).join(' '), what);
          assert.equal(c.reported, Object.keys(want.reported).sort().map((r) => `${r} ${want.reported[r]}`).join(', '), what);
          assert.equal(c.armedNeverFired, c.fault !== 'none' && want.fault_fired === 0, what);
          if (c.armedNeverFired) ++armedNeverFired;
        }
      }
      assert.ok((await page.textContent('#matrix-count')).startsWith(`${exercised} of ${cells.length} cells exercised`));
      if (name === 'bad-encoding') assert.ok(armedNeverFired > 0, 'an armed-but-never-fired cell is marked');
      if (name !== 'pass') {
        // Clicking the cell of the first step lists exactly the steps of that cell; clicking
        // it again lists them all.
        const steps = run.report.counterexample.steps;
        const cellOf = (s) => `${s.fault ? s.fault.kind.split(' ')[0] : 'none'} x ${s.action}`;
        const step = steps[0];
        const fault = step.fault ? step.fault.kind.split(' ')[0] : 'none';
        const listed = () => page.locator('#step-list li:not(.filtered-out) a').evaluateAll((els) => els.map((e) => e.dataset.step));
        await page.click(`td.cell[data-fault="${fault}"][data-action="${step.action}"]`);
        const want = steps.filter((s) => cellOf(s) === cellOf(step)).map((s) => String(s.index));
        assert.deepEqual(await listed(), want, name);
        if (name === 'member-pair-stop') assert.ok(want.length < steps.length, 'its counterexample spans several cells');
        await page.click(`td.cell[data-fault="${fault}"][data-action="${step.action}"]`);
        assert.deepEqual(await listed(), steps.map((s) => String(s.index)), `${name}: a second click lists every step`);
      }
      await context.close();
    }
  });

  test('B7 coverage: every edge of `ebsmock diagram` with the run\'s visit counts', async () => {
    const dot = ebsmock(['diagram', '--format', 'dot']).stdout;
    const edges = [...dot.matchAll(/^\s+(\w+) -> (\w+)/gm)].map((m) => [m[1], m[2]]);
    assert.ok(edges.length > 30, 'the pair machine has its edges');
    for (const name of ['pass', 'new-token-on-retry']) {
      const run = runs[name];
      const { context, page } = await openReport(browser, run.html);
      const drawn = await page.locator('#coverage-pair g.edge').evaluateAll((els) => els.map((e) => ({
        from: e.dataset.from, to: e.dataset.to, visits: Number(e.dataset.visits), unvisited: e.classList.contains('unvisited'),
      })));
      const visits = run.report.coverage?.pair ?? {};
      for (const [from, to] of edges) {
        const edge = drawn.find((d) => d.from === from && d.to === to);
        assert.ok(edge, `${name}: ${from} -> ${to} is drawn`);
        const want = visits[`${from} -> ${to}`] ?? 0;
        assert.equal(edge.visits, want, `${name}: ${from} -> ${to}`);
        assert.equal(edge.unvisited, want === 0, `${name}: ${from} -> ${to}`);
      }
      // Every transition the run made is an edge of the contract.
      for (const key of Object.keys(visits)) {
        const [from, to] = key.split(' -> ');
        assert.ok(edges.some(([f, t]) => f === from && t === to), `${name}: visited ${key} is not in the diagram`);
      }
      if (name === 'pass') assert.ok(Object.keys(visits).length > 10, 'a passing run of 60 cases visits many edges');
      await context.close();
    }
  });

  test('B8 downloads: the saved scenario byte for byte, and the JSON report', async () => {
    const run = runs['new-token-on-retry'];
    const { context, page } = await openReport(browser, run.html);
    const [scenario] = await Promise.all([page.waitForEvent('download'), page.click('#download-scenario')]);
    const scenarioPath = join(dir, 'downloaded.toml');
    await scenario.saveAs(scenarioPath);
    assert.ok(readFileSync(scenarioPath).equals(readFileSync(run.toml)), 'the page hands over the saved scenario');
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
    const reportPath = join(dir, 'downloaded.json');
    await report.saveAs(reportPath);
    assert.deepEqual(JSON.parse(readFileSync(reportPath, 'utf8')), run.report);
    await context.close();
  });

  test('B9 escaping: hostile text from a client renders as text and runs nothing', async () => {
    const evil = '</script><img src=x onerror=window.pwned=1>"\'\u2028<!--';
    const report = structuredClone(runs['new-token-on-retry'].report);
    report.client = `exec:${evil}`;
    report.checks[0].first_violation = evil;
    const step = report.counterexample.steps[0];
    step.violations = [{ check: 'C1', detail: evil }];
    step.reported = { ...step.reported, code: evil };
    step.params = { ...step.params, Description: evil };
    const json = join(dir, 'evil.json');
    const html = join(dir, 'evil.html');
    writeFileSync(json, JSON.stringify(report));
    assert.equal(ebsmock(['report', 'render', json, '-o', html]).code, 0);
    const { context, page, problems } = await openReport(browser, html);
    await page.waitForFunction(() => document.documentElement.classList.contains('js'));
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(problems.requests, []);
    assert.deepEqual(problems.pageErrors, []);
    assert.ok((await page.textContent('.client')).includes(evil));
    assert.deepEqual(await page.evaluate(() => JSON.parse(document.getElementById('ebsmock-report').textContent)), report);
    await context.close();
  });

  test('B9 a hostile driver: what it says renders as text and runs nothing', async () => {
    // exec: drivers (the protocol any SDK speaks) whose words hold markup, quotes and U+2028:
    // one answers every call with such an error code (the matrix shows what the client
    // reported), one answers with such a line that is not JSON (the set-up error quotes it).
    const evil = '</script><img src=x onerror=window.pwned=1>"\'\u2028<!--';
    const answers = {
      code: `({ id, ok: false, error: { code: ${JSON.stringify(evil)}, status: 400, message: ${JSON.stringify(evil)} } })`,
      garbage: JSON.stringify(evil),
    };
    for (const [kind, answer] of Object.entries(answers)) {
      const driver = join(dir, `hostile-${kind}.mjs`);
      writeFileSync(driver, "import { createInterface } from 'node:readline';\n" +
        'for await (const line of createInterface({ input: process.stdin })) {\n' +
        '  const { id } = JSON.parse(line);\n' +
        `  const answer = ${answer};\n` +
        "  process.stdout.write((typeof answer === 'string' ? answer : JSON.stringify(answer)) + '\\n');\n" +
        '}\n');
      const html = join(dir, `hostile-${kind}.html`);
      const json = join(dir, `hostile-${kind}.json`);
      const r = ebsmock(['contract', '--client', `exec:node ${driver}`, '--seed', '7', '--tests', '5', '--report', json,
        '--html', html]);
      assert.equal(r.code, kind === 'code' ? 0 : 2, r.stdout + r.stderr);  // a broken driver is an error, not a verdict
      const report = JSON.parse(readFileSync(json, 'utf8'));
      const { context, page, problems } = await openReport(browser, html);
      await page.waitForFunction(() => document.documentElement.classList.contains('js'));
      assert.equal(await page.evaluate(() => window.pwned), undefined, kind);
      assert.equal(await page.locator('img').count(), 0, kind);
      assert.deepEqual(problems.requests, [], kind);
      assert.deepEqual(problems.pageErrors, [], kind);
      assert.deepEqual(await cspViolations(page), [], kind);
      assert.deepEqual(await page.evaluate(() => JSON.parse(document.getElementById('ebsmock-report').textContent)), report);
      if (kind === 'code') {
        const reported = await page.locator('td.cell .reported').allTextContents();
        assert.ok(reported.length > 0 && reported.every((t) => t.includes(evil)), reported.join(' | '));
      } else {
        // The harness quotes the line with its non-ASCII bytes spelled out (\xE2\x80\xA8).
        assert.ok(report.setup_error.includes(evil.slice(0, evil.indexOf('\u2028'))), report.setup_error);
        assert.ok((await page.textContent('#warnings')).includes(report.setup_error), 'the set-up error, verbatim');
        assert.equal(await page.textContent('#verdict-word'), 'ERROR');
      }
      await context.close();
    }
  });

  test('B11 a full-page screenshot of a failing report, kept, and not blank', async () => {
    const { context, page } = await openReport(browser, runs['new-token-on-retry'].html);
    const png = await page.screenshot({ fullPage: true, path: join(ARTEFACTS, 'report-failing.png') });
    // Decode it in a blank page's canvas and measure how much the pixels vary.
    const blank = await context.newPage();
    const spread = await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let sum = 0; let sq = 0; let n = 0;
      for (let i = 0; i < px.length; i += 4 * 7) { const v = (px[i] + px[i + 1] + px[i + 2]) / 3; sum += v; sq += v * v; ++n; }
      const mean = sum / n;
      return Math.sqrt(sq / n - mean * mean);
    }, png.toString('base64'));
    assert.ok(spread > 10, `pixel spread ${spread}`);
    await context.close();
  });
});
