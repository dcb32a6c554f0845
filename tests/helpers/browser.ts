/**
 * Which Chromium the browser tests drive, in this order:
 *   1. CHROMIUM_PATH (or PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, the variable playwright users already set);
 *   2. a system Chromium or Chrome on the usual paths (Debian/Ubuntu, Fedora, snap, macOS);
 *   3. the Chromium of the devDependency @sparticuz/chromium (from the npm registry, so `npm ci`
 *      brings it; unpacked into TMPDIR on first use).
 * Each candidate is launched once before it is chosen; when none can run, the error says what to install.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export interface Browser {
  executablePath: string;
  /** Flags the browser needs to run headless here (the packaged Chromium brings its own). */
  args: string[];
  /** Where it came from, for the test log: "CHROMIUM_PATH", "system", "@sparticuz/chromium". */
  source: string;
}

/** Flags for a system Chromium in a container or CI (no sandbox without user namespaces, no network chatter). */
export const SYSTEM_CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const INSTALL_HINT =
  'No Chromium could be started for the browser test. Either run `npm ci` again so the devDependency ' +
  '@sparticuz/chromium is present (it brings a Chromium for Linux x64/arm64 and needs no system package), ' +
  'or install a browser: Debian/Ubuntu `sudo apt-get install -y chromium` (Ubuntu: `chromium-browser`), ' +
  'macOS `brew install --cask chromium` (or Google Chrome); or point CHROMIUM_PATH at a Chromium/Chrome executable.';

type Candidate = () => Promise<Browser | undefined>;

function fromEnvironment(env: NodeJS.ProcessEnv): Candidate {
  return async () => {
    const name = env.CHROMIUM_PATH ? 'CHROMIUM_PATH' : env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ? 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH' : undefined;
    if (!name) return undefined;
    const executablePath = env[name]!;
    if (!existsSync(executablePath)) throw new Error(`${name}=${executablePath}: no such file. ${INSTALL_HINT}`);
    return { executablePath, args: SYSTEM_CHROMIUM_FLAGS, source: name };
  };
}

function fromSystem(paths: readonly string[]): Candidate {
  return async () => {
    const executablePath = paths.find((path) => existsSync(path));
    return executablePath ? { executablePath, args: SYSTEM_CHROMIUM_FLAGS, source: 'system' } : undefined;
  };
}

const fromNpm: Candidate = async () => {
  let packaged: { executablePath(): Promise<string>; args: string[] };
  try {
    packaged = (await import('@sparticuz/chromium')).default;
  } catch {
    return undefined;
  }
  const executablePath = await packaged.executablePath();
  // Its args include --headless='shell'; playwright passes its own headless flag, so keep the rest.
  return { executablePath, args: packaged.args.filter((a) => !a.startsWith('--headless')), source: '@sparticuz/chromium' };
};

/** Starts and stops the browser once: a binary that exists but cannot run (missing libraries) is not chosen. */
async function runs(browser: Browser): Promise<string | undefined> {
  try {
    const launched = await chromium.launch({ executablePath: browser.executablePath, args: browser.args, headless: true, timeout: 30_000 });
    await launched.close();
    return undefined;
  } catch (error) {
    return `${browser.source} ${browser.executablePath}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  }
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  systemPaths?: readonly string[];
  /** false: skip @sparticuz/chromium (tests of the failure message). */
  npm?: boolean;
}

/** The first browser that runs; rejects with what was tried and what to install. */
export async function findBrowser(options: FindOptions = {}): Promise<Browser> {
  const env = options.env ?? process.env;
  const candidates = [fromEnvironment(env), fromSystem(options.systemPaths ?? SYSTEM_CHROMIUM_PATHS), ...(options.npm === false ? [] : [fromNpm])];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const browser = await candidate();
    if (!browser) continue;
    const failure = await runs(browser);
    if (!failure) return browser;
    failures.push(failure);
    // An explicit choice that does not run is an error, not a reason to pick another browser.
    if (browser.source !== 'system' && browser.source !== '@sparticuz/chromium') break;
  }
  throw new Error(`${INSTALL_HINT}${failures.length ? ` Tried: ${failures.join('; ')}` : ''}`);
}
