// browser_support.mjs: what the browser tests share: run the ebsmock binary
// (EBSMOCK_BINARY), launch Debian's chromium headless through playwright-core (never a
// downloaded browser), and open a report page while recording everything that would make
// it non-hermetic (page errors, console errors, requests other than file:/data:, CSP
// violations); start `ebsmock serve` and open its dashboard the same way. Each test file
// launches its own browser; nothing here keeps state.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.EBSMOCK_CHROMIUM || '/usr/bin/chromium';
// Where screenshots for people to look at go (ctest sets it to a folder of the build).
export const ARTEFACTS = process.env.EBSMOCK_ARTEFACT_DIR || tmpdir();

export function missingPrerequisite() {
  if (!process.env.EBSMOCK_BINARY || !existsSync(process.env.EBSMOCK_BINARY)) return 'EBSMOCK_BINARY is not set to the ebsmock binary';
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install chromium; scripts/install-deps.sh --node does it)`;
  if (!existsSync(new URL('./node_modules/playwright-core/package.json', import.meta.url))) return 'npm ci in tests/browser has not run';
  return null;
}

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'ebsmock-browser-'));
}

// Runs `ebsmock ARGS` to completion; contract runs are seeded, so this is reproducible.
export function ebsmock(args, options = {}) {
  const r = spawnSync(process.env.EBSMOCK_BINARY, args, { encoding: 'utf8', cwd: options.cwd, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Opens `file` in a fresh context; returns the page and what it did that it should not.
export async function openReport(browser, file, contextOptions = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 }, ...contextOptions });
  const page = await context.newPage();
  const problems = { pageErrors: [], consoleErrors: [], requests: [], cspViolations: [] };
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !url.startsWith('blob:')) problems.requests.push(url);
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(pathToFileURL(file).href);
  return { context, page, problems };
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

// Starts `ebsmock serve ARGS` (port 0 unless ARGS name one) and resolves once its first
// stdout line says where it listens: { url, port, proc, stop() }. stop() sends SIGTERM and
// waits for the exit.
export function serve(args) {
  const withPort = args.includes('--port') ? args : [...args, '--port', '0'];
  const proc = spawn(process.env.EBSMOCK_BINARY, ['serve', ...withPort], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    let announced = false;
    proc.on('exit', (code) => { if (!announced) reject(new Error(`ebsmock serve exited ${code}: ${stderr}`)); });
    const exited = new Promise((done) => proc.on('exit', (code) => done(code)));
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^:]+:(\d+))/);
      if (!m || announced) return;
      announced = true;
      resolve({
        url: m[1], port: Number(m[2]), proc, exited, stderr: () => stderr, stdout: () => out,
        stop: async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM'); return exited; },
      });
    });
  });
}

// Opens a served page (http:), recording the same problems as openReport; requests to
// `origin` are the page's own and allowed.
export async function openServed(browser, url, origin, contextOptions = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 }, ...contextOptions });
  const page = await context.newPage();
  const problems = { pageErrors: [], consoleErrors: [], requests: [] };
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.requests.push(u);
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return { context, page, problems };
}
