// The action palette in a real browser: headless Chromium driven by playwright-core,
// found by tests/helpers/browser.ts (CHROMIUM_PATH, a system Chromium, else the
// devDependency @sparticuz/chromium; never a browser downloaded at test time).
//
// Two ways the page is used:
//   - static: built from the current sources into a folder of its own, served by a plain
//     file server on 127.0.0.1; it shows the input JSON and the command;
//   - served: `retest-connectors palette --simulator --port 0` (the built CLI, as a person
//     starts it); Run posts the input to that server, which runs it through runAction.
// Every test uses the page the way a person would (labelled fields, buttons, links) and waits
// for DOM states, never for time. Every request the browser makes is logged: none may leave
// 127.0.0.1. Screenshots land in test-results/palette/ (not in git).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildPalette } from '../../scripts/build-palette.js';
import { findBrowser } from '../helpers/browser.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { type StartedPalette, startPalette as startPaletteProcess } from '../helpers/palette.js';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { compileValidator } from '../../src/contract/schemas.js';
import { SEED_PROJECT_IDS, SEED_SCAN_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';

// Not UTC on purpose: a date-time widget that converts through local time would shift values here.
const TIME_ZONE = 'America/Los_Angeles';
const SCREENSHOTS = join(packageRoot, 'test-results/palette');
const TIMEOUT = 90_000;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

let siteDir: string;
let profileDir: string;
let staticServer: Server;
let staticBase: string;
let context: BrowserContext;
/** Every request the browser made, and those to anywhere but 127.0.0.1. */
const allRequests: string[] = [];
const foreignRequests: string[] = [];
/** Console errors and uncaught exceptions, e.g. "Pattern attribute value … is not a valid regular expression". */
const browserErrors: string[] = [];
/** The palette server started with --simulator, and one started with an incomplete connection. */
const palettes: StartedPalette[] = [];
let demo: { url: string; origin: string; token: string };
let incomplete: { url: string; origin: string; token: string };
let sim: Simulator;

function serveStatic(dir: string): Promise<Server> {
  const srv = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

/** A palette server started for this file; stopped in afterAll. */
async function startPalette(args: string[], env: Record<string, string> = {}): Promise<StartedPalette> {
  const started = await startPaletteProcess(args, env);
  palettes.push(started);
  return started;
}

beforeAll(async () => {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does).`);
  const browser = await findBrowser();
  // A fresh build of the current sources, in a folder of its own: never a stale dist/palette,
  // never a race with someone running `npm run palette` at the same time.
  siteDir = mkdtempSync(join(tmpdir(), 'palette-site-'));
  await buildPalette(siteDir);
  staticServer = await serveStatic(siteDir);
  staticBase = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`;
  sim = await startSimulator();
  demo = await startPalette(['--simulator']);
  // Invicti without its user id (the page must name it), AttackForge complete.
  incomplete = await startPalette([], {
    INVICTI_URL: sim.url,
    INVICTI_API_TOKEN: sim.credentials.invicti.api_token,
    ATTACKFORGE_URL: sim.url,
    ATTACKFORGE_API_KEY: sim.credentials.attackforge.api_key,
  });
  profileDir = mkdtempSync(join(tmpdir(), 'palette-profile-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: browser.executablePath,
    headless: true,
    args: browser.args,
    timezoneId: TIME_ZONE,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  // Every request is recorded; only those leaving 127.0.0.1 are intercepted (and refused). Local requests are
  // not routed, so the page reads its streamed run answers as a user's browser does.
  context.on('request', (request) => {
    const url = request.url();
    allRequests.push(url);
    if (new URL(url).hostname !== '127.0.0.1') foreignRequests.push(url);
  });
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  // A Content-Security-Policy violation (an eval the served page's policy forbids, even one the page's code catches)
  // is a console error, so the "no console error" check below sees it.
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, TIMEOUT);

afterAll(async () => {
  await context?.close();
  for (const palette of palettes) await palette.stop();
  await sim?.close();
  await new Promise((resolve) => (staticServer ? staticServer.close(resolve) : resolve(undefined)));
  for (const dir of [siteDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, TIMEOUT);

async function open(base: string, actionId: string, width = 1280): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.on('console', (m) => {
    if (m.type() === 'error') browserErrors.push(`${actionId}: ${m.text()}`);
  });
  page.on('pageerror', (e) => browserErrors.push(`${actionId}: ${e.message}`));
  await page.goto(`${base}#${actionId}`);
  await page.getByRole('heading', { level: 1, name: manifest.actions.find((a) => a.id === actionId)!.title }).waitFor();
  return page;
}

/** The field labelled exactly `label` (a required field's label ends with "*"). */
function field(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*?$`));
}

/**
 * Opens every folded group around the field (as a person clicks "Optional fields"), then clicks into it, selects
 * what it holds (a default such as a poll interval of 30) and types over it.
 */
async function type(page: Page, label: string, text: string, nth = 0) {
  const input = field(page, label).nth(nth);
  await input.evaluate((element) => {
    const closed: HTMLElement[] = [];
    for (let d = element.closest('details'); d; d = d.parentElement?.closest('details') ?? null) if (!d.open) closed.unshift(d.querySelector(':scope > summary')!);
    for (const summary of closed) summary.click();
  });
  await input.click();
  await input.selectText();
  await input.pressSequentially(text);
}

async function submit(page: Page, name = 'Show input and command') {
  await page.getByRole('button', { name, exact: true }).click();
}

async function producedInput(page: Page): Promise<unknown> {
  const pre = page.getByTestId('input-json');
  await pre.waitFor();
  return JSON.parse(await pre.innerText());
}

async function runCommand(page: Page): Promise<string> {
  return (await page.getByTestId('run-command').innerText()).trim();
}

/** Everything a person or a screen reader could read on the page, plus every input's value. */
async function everythingShown(page: Page): Promise<string> {
  const values = await page.locator('input').evaluateAll((inputs) =>
    inputs.filter((i) => (i as HTMLInputElement).type !== 'password').map((i) => (i as HTMLInputElement).value),
  );
  return `${await page.locator('body').innerText()}\n${values.join('\n')}`;
}

/** Nothing wider than the window: no horizontal scrolling. */
async function expectNoOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

async function problemLines(page: Page): Promise<string[]> {
  const list = page.getByTestId('input-problems').or(page.getByTestId('run-error'));
  await list.first().waitFor();
  return list.first().locator('li').allInnerTexts();
}

describe('the static palette lists the actions of connector.json', () => {
  test('grouped by vendor, in manifest order', async () => {
    const page = await open(staticBase, manifest.actions[0]!.id);
    const nav = page.getByRole('navigation', { name: 'Actions' });
    for (const vendor of manifest.vendors) {
      const group = nav.locator(`section[data-vendor="${vendor.id}"]`);
      await expect(group.getByRole('heading', { level: 2 }).textContent()).resolves.toBe(vendor.name);
      const listed = await group.locator('a[data-action]').evaluateAll((links) => links.map((a) => a.getAttribute('data-action')));
      expect(listed).toEqual(manifest.actions.filter((a) => a.vendor === vendor.id).map((a) => a.id));
    }
    // choosing an action in the list shows its forms
    const retest = manifest.actions.find((a) => a.id === 'attackforge_request_new_project_retest')!;
    await nav.locator(`a[data-action="${retest.id}"]`).click();
    await page.getByRole('heading', { level: 1, name: retest.title }).waitFor();
    await expect(page.getByTestId('endpoint').innerText()).resolves.toBe('POST /api/ss/project/{id}/retest/request');
    await page.close();
  }, TIMEOUT);
});

describe('the input first', () => {
  test('the input form comes before the connection; required fields lead, optional ones are folded', async () => {
    const page = await open(staticBase, 'invicti_scan_launch_new');
    const order = await page.evaluate(() => {
      const top = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().top;
      return { input: top('#input-heading'), connection: top('[data-testid="connection"]') };
    });
    expect(order.input).toBeLessThan(order.connection);
    // The one required field is shown at once, above the fold; the other 40-odd wait behind "Optional fields".
    const target = field(page, 'Target Uri');
    await expect(target.isVisible()).resolves.toBe(true);
    expect((await target.boundingBox())!.y).toBeLessThan(900);
    await expect(page.getByText(/^Optional fields \(\d+\)$/).first().isVisible()).resolves.toBe(true);
    await expect(field(page, 'Comments').isVisible()).resolves.toBe(false);
    // Examples are hints ("e.g. …"), never a look-alike value.
    await expect(target.getAttribute('placeholder')).resolves.toMatch(/^e\.g\. /);
    await expect(target.inputValue()).resolves.toBe('');
    await page.close();
  }, TIMEOUT);

  test.each([1280, 390])('nothing overflows at %i px, long ids wrap', async (width) => {
    for (const id of ['invicti_issues_waiting_for_retest', 'attackforge_request_new_project_retest', 'invicti_scan_launch_new']) {
      const page = await open(staticBase, id, width);
      await expectNoOverflow(page);
      await page.screenshot({ path: join(SCREENSHOTS, `static-${id}-${width}.png`), fullPage: true });
      await page.close();
    }
  }, TIMEOUT);
});

describe('static: fill the forms, submit, get the input JSON and the command', () => {
  test('invicti_scan_retest', async () => {
    const page = await open(staticBase, 'invicti_scan_retest');
    // connection: the schema's defaults are rendered, the secret is masked
    await expect(field(page, 'URL').inputValue()).resolves.toBe('https://www.netsparkercloud.com');
    await expect(field(page, 'Verify TLS certificates').isChecked()).resolves.toBe(true);
    await expect(field(page, 'Timeout (ms)').inputValue()).resolves.toBe('30000');
    await expect(field(page, 'API token').getAttribute('type')).resolves.toBe('password');
    await type(page, 'User ID', 'palette-user-7d85');
    await type(page, 'API token', 'SECRET-palette-token-4242');

    await type(page, 'Base scan ID', 'af6d0ffd-529e-4056-b39f-b141021fae74');
    await type(page, 'Agent name', 'Default Agent');
    await submit(page);

    const expected = { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74', AgentName: 'Default Agent' } };
    const input = await producedInput(page);
    expect(input).toEqual(expected);
    expect(compileValidator('schemas/actions/invicti_scan_retest.input.json')(input)).toBe(true);
    expect(await runCommand(page)).toBe(
      'INVICTI_URL=https://www.netsparkercloud.com INVICTI_USER_ID=palette-user-7d85 INVICTI_API_TOKEN=… ' +
        'retest-connectors run invicti_scan_retest --input input.json',
    );
    expect(await everythingShown(page)).not.toContain('SECRET-palette-token-4242');
    // The secret never reaches the browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    expect(stored).not.toContain('SECRET-palette-token-4242');
    await page.screenshot({ path: join(SCREENSHOTS, 'static-invicti_scan_retest.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);

  test('attackforge_request_new_project_retest: date-times keep their offsets in a non-UTC browser', async () => {
    const page = await open(staticBase, 'attackforge_request_new_project_retest');
    await expect(page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).resolves.toBe(TIME_ZONE);
    await type(page, 'URL', 'https://demo.attackforge.com');
    await expect(field(page, 'API key').getAttribute('type')).resolves.toBe('password');
    await type(page, 'API key', 'SECRET-ssapi-key-9000');

    await type(page, 'Project ID', '66333e1d110ab5acf8a4354e');
    await type(page, 'Retesting window start', '2025-03-23T00:00:00-07:00');
    await type(page, 'Retesting window end', '2025-03-30T09:30:00.000Z');
    // the array starts with its one required item; add a second
    await type(page, 'Vulnerability ID', '6639508f50523053f459d29f', 0);
    await page.getByRole('button', { name: 'Add' }).click();
    await type(page, 'Vulnerability ID', '6639508f50523053f459d2a0', 1);
    await submit(page);

    const expected = {
      path_parameters: { id: '66333e1d110ab5acf8a4354e' },
      json_body: {
        retesting_window_start: '2025-03-23T00:00:00-07:00',
        retesting_window_end: '2025-03-30T09:30:00.000Z',
        vulnerability_ids: ['6639508f50523053f459d29f', '6639508f50523053f459d2a0'],
      },
    };
    const input = await producedInput(page);
    expect(input).toEqual(expected);
    expect(compileValidator('schemas/actions/attackforge_request_new_project_retest.input.json')(input)).toBe(true);
    expect(await runCommand(page)).toBe(
      'ATTACKFORGE_URL=https://demo.attackforge.com ATTACKFORGE_API_KEY=… ' + 'retest-connectors run attackforge_request_new_project_retest --input input.json',
    );
    expect(await everythingShown(page)).not.toContain('SECRET-ssapi-key-9000');
    await page.close();
  }, TIMEOUT);
});

describe('invalid entries: the runtime\'s own words next to the field, nothing produced', () => {
  test('a missing required field', async () => {
    const page = await open(staticBase, 'invicti_scan_retest');
    await type(page, 'Agent name', 'Default Agent');
    await submit(page);
    const fieldError = page.locator('#input_json_body_BaseScanId__error');
    await fieldError.waitFor({ state: 'visible' });
    expect(await fieldError.innerText()).toBe('required');
    expect(await problemLines(page)).toEqual(['Base scan ID: required']);
    await expect(page.getByTestId('input-json').count()).resolves.toBe(0);

    // fixing it clears the error and produces the input
    await type(page, 'Base scan ID', 'af6d0ffd-529e-4056-b39f-b141021fae74');
    await submit(page);
    expect(await producedInput(page)).toEqual({ json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74', AgentName: 'Default Agent' } });
    await expect(page.getByTestId('input-problems').count()).resolves.toBe(0);
    await page.close();
  }, TIMEOUT);

  test('a retesting window that ends before it starts, in another offset', async () => {
    const page = await open(staticBase, 'attackforge_request_new_project_retest');
    await type(page, 'Project ID', '66333e1d110ab5acf8a4354e');
    // 23 March 00:00 in UTC-07:00 is 07:00Z, so an end at 06:59Z is before the start
    await type(page, 'Retesting window start', '2025-03-23T00:00:00-07:00');
    await type(page, 'Retesting window end', '2025-03-23T06:59:00Z');
    await type(page, 'Vulnerability ID', '6639508f50523053f459d29f');
    await submit(page);
    const fieldError = page.locator('#input_json_body_retesting_window_end__error');
    await fieldError.waitFor({ state: 'visible' });
    expect(await fieldError.innerText()).toBe('not before Retesting window start');
    await expect(page.getByTestId('input-json').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'static-invalid-window.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);

  test('a date-time without an offset, and a malformed id: one message each, no regular expression', async () => {
    const page = await open(staticBase, 'attackforge_request_new_project_retest');
    await type(page, 'Project ID', 'not-a-project-id');
    await type(page, 'Retesting window start', '2025-03-23T00:00:00');
    await type(page, 'Vulnerability ID', '6639508f50523053f459d29f');
    await submit(page);
    expect(await problemLines(page)).toEqual([
      'Project ID: 24 hexadecimal digits, e.g. 66333e1d110ab5acf8a4354e',
      'Retesting window start: a date-time with an offset, e.g. 2025-03-23T00:00:00.000Z',
    ]);
    // the browser's own pattern check agrees (the attribute compiled under Chromium's v flag)
    await expect(field(page, 'Project ID').evaluate((i) => (i as HTMLInputElement).validity.patternMismatch)).resolves.toBe(true);
    expect(await page.locator('body').innerText()).not.toMatch(/\^\[|must match|\(top level\)/);
    await page.close();
  }, TIMEOUT);
});

/** The same mistakes, through the CLI, an MCP client and the palette: the same lines. */
describe('one wording: CLI, MCP and palette say the same', () => {
  const cases = [
    {
      name: 'an AttackForge retest with a malformed project id, a date for an end, no vulnerability',
      action: 'attackforge_request_new_project_retest',
      input: { path_parameters: { id: 'not-a-project-id' }, json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', retesting_window_end: '2025-03-01', vulnerability_ids: [] } },
      fill: async (page: Page) => {
        await type(page, 'Project ID', 'not-a-project-id');
        await type(page, 'Retesting window start', '2025-03-23T00:00:00.000Z');
        await type(page, 'Retesting window end', '2025-03-01');
      },
      expected: [
        'Project ID: 24 hexadecimal digits, e.g. 66333e1d110ab5acf8a4354e',
        'Retesting window end: a date-time with an offset, e.g. 2025-03-30T00:00:00.000Z',
        'Vulnerability IDs: at least 1 item',
      ],
    },
    {
      name: 'an AttackForge project without its id',
      action: 'attackforge_get_project',
      input: { path_parameters: {} },
      fill: async () => {},
      expected: ['Project ID: required'],
    },
    {
      name: 'a valid retest on a connection without its user id',
      action: 'invicti_scan_retest',
      input: { json_body: { BaseScanId: SEED_SCAN_IDS.completed } },
      fill: async (page: Page) => type(page, 'Base scan ID', SEED_SCAN_IDS.completed),
      expected: ['User ID: required'],
    },
  ];
  // The palette server, the CLI and the MCP server all hold the same incomplete connection.
  const env = () => ({
    INVICTI_URL: sim.url,
    INVICTI_API_TOKEN: sim.credentials.invicti.api_token,
    ATTACKFORGE_URL: sim.url,
    ATTACKFORGE_API_KEY: sim.credentials.attackforge.api_key,
  });

  test.each(cases)('$name', async ({ action, input, fill, expected }) => {
    const before = sim.requests.length;
    // CLI
    const cli = await runCli(['run', action, '--input', '-'], { stdin: JSON.stringify(input), env: env() });
    expect(cli.code).toBe(3);
    const cliError = JSON.parse(cli.stderr.trim().split('\n').at(-1)!) as { error: { details: { title: string; message: string }[] } };
    const cliLines = cliError.error.details.map((d) => `${d.title}: ${d.message}`);
    // MCP (the SDK's client, over stdio)
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'mcp'], env: { PATH: process.env.PATH ?? '', ...env() }, cwd: packageRoot, stderr: 'pipe' });
    const client = new Client({ name: 'palette-wording', version: '1.0.0' });
    await client.connect(transport);
    const result = await client.callTool({ name: action, arguments: input });
    await client.close();
    expect(result.isError).toBe(true);
    const mcpError = JSON.parse((result.content as { text: string }[])[0]!.text) as { error: { details: { title: string; message: string }[] } };
    const mcpLines = mcpError.error.details.map((d) => `${d.title}: ${d.message}`);
    // palette, in the browser, served with the same connection
    const page = await open(incomplete.url, action);
    await fill(page);
    await submit(page, 'Run');
    const paletteLines = await problemLines(page);
    await page.close();

    expect(cliLines).toEqual(expected);
    expect(mcpLines).toEqual(expected);
    expect(paletteLines).toEqual(expected);
    expect(sim.requests.length).toBe(before);
  }, TIMEOUT);

  test('the connection panel names what is missing, and shows no secret', async () => {
    const page = await open(incomplete.url, 'invicti_scan_retest');
    const panel = page.getByTestId('connection');
    await expect(panel.getAttribute('open')).resolves.not.toBeNull();
    expect(await panel.locator('summary').innerText()).toContain('missing User ID');
    expect(await panel.locator('[data-field="api_token"]').innerText()).toBe('•••••••• (set)');
    expect(await everythingShown(page)).not.toContain(sim.credentials.invicti.api_token);
    await page.close();
  }, TIMEOUT);
});

describe('served with --simulator: Run', () => {
  test('a retest shows 201 and the new scan id; a wait on it shows progress and ends completed', async () => {
    const page = await open(demo.url, 'invicti_scan_retest');
    // The connection is the server's, folded away once complete, its secret masked.
    const panel = page.getByTestId('connection');
    expect(await panel.locator('summary').innerText()).toContain('ready');
    await expect(panel.getAttribute('open')).resolves.toBeNull();
    await type(page, 'Base scan ID', SEED_SCAN_IDS.completed);
    await submit(page, 'Run');
    const status = page.getByTestId('status');
    await status.waitFor();
    expect(await status.innerText()).toMatch(/^201\b/);
    const summary = page.getByTestId('summary');
    const id = (await summary.locator('dd[data-summary="Scan ID"], dd[data-summary="Id"], dd[data-summary="id"]').first().innerText()).trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    expect(id).not.toBe(SEED_SCAN_IDS.completed);
    // The body is there, folded.
    await expect(page.getByTestId('body').getAttribute('open')).resolves.toBeNull();
    await page.getByTestId('body').locator('summary').click();
    expect(await page.getByTestId('body').locator('pre').innerText()).toContain(id);
    await expectNoOverflow(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'served-retest-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoOverflow(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'served-retest-390.png'), fullPage: true });
    await page.close();

    const wait = await open(demo.url, 'invicti_scan_wait');
    await type(wait, 'Scan ID', id);
    await type(wait, 'Poll interval (seconds)', '1');
    await submit(wait, 'Run');
    // progress shows while the wait runs, then the outcome
    await wait.getByTestId('progress').waitFor();
    const outcome = wait.getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.innerText()).toMatch(/^Outcome: completed\b/);
    expect(await wait.getByTestId('summary').locator('dd[data-summary="State"]').innerText()).toBe('Complete');
    expect(await wait.getByTestId('progress-text').innerText()).toMatch(/done$/);
    expect(await wait.getByTestId('status').innerText()).toMatch(/^200\b/);
    await wait.screenshot({ path: join(SCREENSHOTS, 'served-wait-1280.png'), fullPage: true });
    await wait.close();
  }, TIMEOUT);

  test('a newcomer follows the loop by its Next buttons: retest, wait for this scan, get its report, download it', async () => {
    const page = await open(demo.url, 'invicti_scan_retest');
    await type(page, 'Base scan ID', SEED_SCAN_IDS.completed);
    await submit(page, 'Run');
    await page.getByTestId('status').waitFor();
    const id = (await page.getByTestId('summary').locator('dd[data-summary="Id"]').innerText()).trim();
    // connector.json's next step: the wait, with this run's new scan id filled in.
    await page.getByTestId('next-steps').getByRole('button', { name: 'Wait for this scan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Wait for Scan' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#invicti_scan_wait');
    expect(await field(page, 'Scan ID').inputValue()).toBe(id);
    // Defaults are hints, not values: the interval is empty and says its default, so typing gives what was typed.
    await expect(field(page, 'Poll interval (seconds)').getAttribute('placeholder')).resolves.toBe('default 30');
    expect(await field(page, 'Poll interval (seconds)').inputValue()).toBe('');
    let posted: unknown;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/run')) posted = request.postDataJSON();
    });
    await type(page, 'Poll interval (seconds)', '1');
    await submit(page, 'Run');
    const outcome = page.getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.innerText()).toMatch(/^Outcome: completed\b/);
    // What was sent: the id and the interval typed; the other defaults are left to the runtime.
    expect(posted).toEqual({ action: 'invicti_scan_wait', input: { path_parameters: { id }, wait: { interval_s: 1 } } });
    // A finished wait offers its report, for the scan it waited on.
    await page.getByTestId('next-steps').getByRole('button', { name: 'Get its report' }).click();
    await page.getByRole('heading', { level: 1, name: manifest.actions.find((a) => a.id === 'invicti_scan_report')!.title }).waitFor();
    expect(await field(page, 'Scan ID').inputValue()).toBe(id);
    await field(page, 'Report type').selectOption('ScanDetail');
    await field(page, 'Format').selectOption('Pdf');
    await submit(page, 'Run');
    const link = page.getByTestId('download');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Choosing another action by hand starts from a fresh form: the filled-in id does not follow.
    await page.locator('nav a[data-action="invicti_scan_wait"]').click();
    await page.getByRole('heading', { level: 1, name: 'Wait for Scan' }).waitFor();
    expect(await field(page, 'Scan ID').inputValue()).toBe('');
    await page.close();
  }, TIMEOUT);

  test('no next step is offered for a run that failed', async () => {
    const page = await open(demo.url, 'invicti_scan_retest');
    await type(page, 'Base scan ID', SEED_SCAN_IDS.running);
    await submit(page, 'Run');
    const status = page.getByTestId('status');
    await status.waitFor();
    expect(await status.innerText()).toMatch(/^400\b/);
    expect(await page.getByTestId('next-steps').count()).toBe(0);
    await page.close();
  }, TIMEOUT);

  test('a report downloads with the bytes the server returned', async () => {
    const page = await open(demo.url, 'invicti_scan_report');
    await type(page, 'Scan ID', SEED_SCAN_IDS.completed);
    await field(page, 'Report type').selectOption('ScanDetail');
    await field(page, 'Format').selectOption('Pdf');
    // What the server answered, read on the way to the page (the route passes it on unchanged).
    let answered = '';
    await page.route('**/api/run', async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      answered = body.toString('utf8');
      await route.fulfill({ response, body });
    });
    await submit(page, 'Run');
    const link = page.getByTestId('download');
    await link.waitFor();
    const lines = answered.trim().split('\n').map((l) => JSON.parse(l) as { type: string; envelope?: { file?: { content_base64: string; file_name: string; size_bytes: number } } });
    const file = lines.find((l) => l.type === 'result')!.envelope!.file!;
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(file.file_name);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.equals(Buffer.from(file.content_base64, 'base64'))).toBe(true);
    expect(bytes.length).toBe(file.size_bytes);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.close();
  }, TIMEOUT);

  test('an AttackForge retest round runs from the page', async () => {
    const page = await open(demo.url, 'attackforge_request_new_project_retest', 390);
    await type(page, 'Project ID', SEED_PROJECT_IDS.webApp);
    await type(page, 'Retesting window start', '2030-03-23T00:00:00.000Z');
    await type(page, 'Vulnerability ID', '6639508f50523053f459d29f');
    await submit(page, 'Run');
    await page.getByTestId('status').waitFor();
    await expectNoOverflow(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'served-attackforge-390.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);
});

describe('the server guards its runs', () => {
  const body = JSON.stringify({ action: 'invicti_scan_retest', input: { json_body: { BaseScanId: SEED_SCAN_IDS.completed } } });
  const post = (headers: Record<string, string>) => fetch(`${demo.origin}/api/run`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  test('a run without the token, or with another, is refused', async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await fetch(`${demo.origin}/api/session`)).status).toBe(401);
  });

  test('the page is served under a policy without eval, inline script or any other origin', async () => {
    const response = await fetch(demo.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline'[^;]*script|\*/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  test('a foreign Origin or Host is refused; no CORS headers', async () => {
    const auth = { Authorization: `Bearer ${demo.token}` };
    expect((await post({ ...auth, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ ...auth, Origin: 'http://localhost:1' })).status).toBe(403);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${demo.origin}/api/session`, { headers: { ...auth, Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const ok = await fetch(`${demo.origin}/api/session`, { headers: auth });
    expect(ok.status).toBe(200);
    expect([...(ok.headers as unknown as Map<string, string>).keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(JSON.stringify(await ok.json())).not.toContain(sim.credentials.invicti.api_token);
  });

  test('a body over the cap is refused (a 413, or the socket closed on the sender), and the server still answers', async () => {
    // The server answers 413 and closes while the client may still be writing: which side of that race the
    // kernel picks decides whether the client reads the 413 or fails its write (EPIPE / ECONNRESET).
    const outcome = await fetch(`${demo.origin}/api/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${demo.token}` },
      body: JSON.stringify({ action: 'invicti_scan_retest', input: { pad: 'x'.repeat(3 * 1024 * 1024) } }),
    }).then(
      (response) => response.status,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(outcome);
    const session = await fetch(`${demo.origin}/api/session`, { headers: { Authorization: `Bearer ${demo.token}` } });
    expect(session.status).toBe(200);
  });
});

describe('the page stands alone', () => {
  test('no request left 127.0.0.1, and the browser logged no errors', () => {
    expect(allRequests.length).toBeGreaterThan(10);
    expect(foreignRequests).toEqual([]);
    expect(browserErrors).toEqual([]);
  });
});
