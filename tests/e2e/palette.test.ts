// The action palette in a real browser: headless Chromium driven by playwright-core,
// found by tests/helpers/browser.ts (CHROMIUM_PATH, a system Chromium, else the
// devDependency @sparticuz/chromium; never a browser downloaded at test time). The page is built from the
// current sources, served on 127.0.0.1, and used the way a person would: pick
// an action, type into the labelled fields, submit, read what it produced.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildPalette } from '../../scripts/build-palette.js';
import { findBrowser } from '../helpers/browser.js';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { compileValidator } from '../../src/contract/schemas.js';

// Not UTC on purpose: a date-time widget that converts through local time would shift values here.
const TIME_ZONE = 'America/Los_Angeles';
const SCREENSHOTS = join(packageRoot, 'test-output/palette');
const TIMEOUT = 60_000;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

let siteDir: string;
let profileDir: string;
let server: Server;
let base: string;
let context: BrowserContext;
/** Requests the page tried to make anywhere but our loopback server. */
const foreignRequests: string[] = [];
/** Console errors and uncaught exceptions, e.g. "Pattern attribute value … is not a valid regular expression". */
const browserErrors: string[] = [];

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

beforeAll(async () => {
  const browser = await findBrowser();
  // A fresh build of the current sources, in a folder of its own: never a stale dist/palette,
  // never a race with someone running `npm run palette` at the same time.
  siteDir = mkdtempSync(join(tmpdir(), 'palette-site-'));
  await buildPalette(siteDir);
  server = await serveStatic(siteDir);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  profileDir = mkdtempSync(join(tmpdir(), 'palette-profile-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: browser.executablePath,
    headless: true,
    args: browser.args,
    timezoneId: TIME_ZONE,
    viewport: { width: 1280, height: 900 },
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base)) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, TIMEOUT);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  for (const dir of [siteDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(actionId: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') browserErrors.push(`${actionId}: ${m.text()}`);
  });
  page.on('pageerror', (e) => browserErrors.push(`${actionId}: ${e.message}`));
  await page.goto(`${base}#${actionId}`);
  await page.getByRole('heading', { level: 1, name: manifest.actions.find((a) => a.id === actionId)!.title }).waitFor();
  return page;
}

/** Click into the field and type, key by key, as a person does. */
async function type(page: Page, label: string, text: string, nth = 0) {
  const field = page.getByLabel(label).nth(nth);
  await field.click();
  await field.pressSequentially(text);
}

async function submit(page: Page) {
  await page.getByRole('button', { name: 'Show input and command' }).click();
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

describe('the palette lists the actions of connector.json', () => {
  test('grouped by vendor, in manifest order', async () => {
    const page = await open(manifest.actions[0]!.id);
    const nav = page.getByRole('navigation', { name: 'Actions' });
    for (const vendor of manifest.vendors) {
      const group = nav.locator(`section[data-vendor="${vendor.id}"]`);
      await expect(group.getByRole('heading', { level: 2 }).textContent()).resolves.toBe(vendor.name);
      const listed = await group.locator('a[data-action]').evaluateAll((links) => links.map((a) => a.getAttribute('data-action')));
      expect(listed).toEqual(manifest.actions.filter((a) => a.vendor === vendor.id).map((a) => a.id));
    }
    // choosing an action in the list shows its forms
    await nav.getByRole('link', { name: /RequestNewProjectRetest/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Request New Project Retest' }).waitFor();
    await expect(page.getByTestId('endpoint').innerText()).resolves.toBe('POST /api/ss/project/{id}/retest/request');
    await page.close();
  }, TIMEOUT);
});

describe('each action: fill the forms, submit, get the input JSON and the command', () => {
  test('invicti_scan_retest', async () => {
    const page = await open('invicti_scan_retest');
    // connection: the schema's defaults are rendered, the secret is masked
    await expect(page.getByLabel('URL').inputValue()).resolves.toBe('https://www.netsparkercloud.com');
    await expect(page.getByLabel('Verify TLS certificates').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Timeout (ms)').inputValue()).resolves.toBe('30000');
    await expect(page.getByLabel('API token').getAttribute('type')).resolves.toBe('password');
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
    await page.screenshot({ path: join(SCREENSHOTS, 'invicti_scan_retest.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);

  test('invicti_scan_launch_new_from_scan', async () => {
    const page = await open('invicti_scan_launch_new_from_scan');
    await type(page, 'User ID', 'palette-user-7d85');
    await type(page, 'API token', 'SECRET-palette-token-4242');
    await page.getByLabel('Verify TLS certificates').uncheck();
    await page.getByLabel('Timeout (ms)').fill('');
    await type(page, 'Timeout (ms)', '5000');

    await type(page, 'Scan ID', 'AF6D0FFD-529E-4056-B39F-B141021FAE74');
    await submit(page);

    const input = await producedInput(page);
    expect(input).toEqual({ data_body: { id: 'AF6D0FFD-529E-4056-B39F-B141021FAE74' } });
    expect(compileValidator('schemas/actions/invicti_scan_launch_new_from_scan.input.json')(input)).toBe(true);
    expect(await runCommand(page)).toBe(
      'INVICTI_URL=https://www.netsparkercloud.com INVICTI_USER_ID=palette-user-7d85 INVICTI_API_TOKEN=… ' +
        'INVICTI_VERIFY_SSL=false INVICTI_TIMEOUT_MS=5000 retest-connectors run invicti_scan_launch_new_from_scan --input input.json',
    );
    expect(await everythingShown(page)).not.toContain('SECRET-palette-token-4242');
    await page.screenshot({ path: join(SCREENSHOTS, 'invicti_scan_launch_new_from_scan.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);

  test('attackforge_request_new_project_retest: date-times keep their offsets in a non-UTC browser', async () => {
    const page = await open('attackforge_request_new_project_retest');
    await expect(page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).resolves.toBe(TIME_ZONE);
    await type(page, 'URL', 'https://demo.attackforge.com');
    await expect(page.getByLabel('API key').getAttribute('type')).resolves.toBe('password');
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
      'ATTACKFORGE_URL=https://demo.attackforge.com ATTACKFORGE_API_KEY=… ' +
        'retest-connectors run attackforge_request_new_project_retest --input input.json',
    );
    expect(await everythingShown(page)).not.toContain('SECRET-ssapi-key-9000');
    await page.screenshot({ path: join(SCREENSHOTS, 'attackforge_request_new_project_retest.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);
});

describe('invalid entries show a visible error and produce nothing', () => {
  test('a missing required field', async () => {
    const page = await open('invicti_scan_retest');
    await type(page, 'Agent name', 'Default Agent');
    await submit(page);
    const fieldError = page.locator('#input_json_body_BaseScanId__error');
    await fieldError.waitFor({ state: 'visible' });
    expect(await fieldError.innerText()).toMatch(/required/i);
    await expect(page.getByRole('alert').or(page.locator('.panel-danger')).first().isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('input-json').count()).resolves.toBe(0);

    // fixing it clears the error and produces the input
    await type(page, 'Base scan ID', 'af6d0ffd-529e-4056-b39f-b141021fae74');
    await submit(page);
    expect(await producedInput(page)).toEqual({ json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74', AgentName: 'Default Agent' } });
    await expect(fieldError.locator('li').count()).resolves.toBe(0);
    await page.close();
  }, TIMEOUT);

  test('a retesting window that ends before it starts', async () => {
    const page = await open('attackforge_request_new_project_retest');
    await type(page, 'Project ID', '66333e1d110ab5acf8a4354e');
    // 23 March 00:00 in UTC-07:00 is 07:00Z, so an end at 06:59Z is before the start
    await type(page, 'Retesting window start', '2025-03-23T00:00:00-07:00');
    await type(page, 'Retesting window end', '2025-03-23T06:59:00Z');
    await type(page, 'Vulnerability ID', '6639508f50523053f459d29f');
    await submit(page);
    const fieldError = page.locator('#input_json_body_retesting_window_end__error');
    await fieldError.waitFor({ state: 'visible' });
    expect(await fieldError.innerText()).toContain('must not be before Retesting window start');
    await expect(page.getByTestId('input-json').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'attackforge_request_new_project_retest.invalid.png'), fullPage: true });
    await page.close();
  }, TIMEOUT);

  test('a date-time without an offset, and a malformed id', async () => {
    const page = await open('attackforge_request_new_project_retest');
    await type(page, 'Project ID', 'not-a-project-id');
    await type(page, 'Retesting window start', '2025-03-23T00:00:00');
    await type(page, 'Vulnerability ID', '6639508f50523053f459d29f');
    await submit(page);
    await page.locator('#input_json_body_retesting_window_start__error').waitFor({ state: 'visible' });
    await page.locator('#input_path_parameters_id__error').waitFor({ state: 'visible' });
    // the browser's own pattern check agrees (the attribute compiled under Chromium's v flag)
    await expect(page.getByLabel('Project ID').evaluate((i) => (i as HTMLInputElement).validity.patternMismatch)).resolves.toBe(true);
    await expect(page.getByTestId('input-json').count()).resolves.toBe(0);
    await page.close();
  }, TIMEOUT);
});

describe('the page stands alone', () => {
  test('no request left 127.0.0.1, and the browser logged no errors', () => {
    expect(foreignRequests).toEqual([]);
    expect(browserErrors).toEqual([]);
  });
});
