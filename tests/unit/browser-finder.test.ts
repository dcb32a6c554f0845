// The browser tests' browser lookup: when nothing can run, the failure says what to install.
import { describe, expect, test } from '@jest/globals';
import { findBrowser } from '../helpers/browser.js';

describe('findBrowser', () => {
  test('no CHROMIUM_PATH, no system browser, no packaged browser: the error says what to install on Debian/Ubuntu and macOS', async () => {
    const failure = findBrowser({ env: {}, systemPaths: ['/nonexistent/chromium'], npm: false });
    await expect(failure).rejects.toThrow(/npm ci/);
    await expect(failure).rejects.toThrow(/apt-get install -y chromium/);
    await expect(failure).rejects.toThrow(/brew install --cask chromium/);
    await expect(failure).rejects.toThrow(/CHROMIUM_PATH/);
  });

  test('a CHROMIUM_PATH that does not exist is an error naming the variable, not a silent fallback', async () => {
    await expect(findBrowser({ env: { CHROMIUM_PATH: '/nonexistent/chrome' }, systemPaths: [], npm: false })).rejects.toThrow(
      /CHROMIUM_PATH=\/nonexistent\/chrome: no such file/,
    );
  });

  test('a CHROMIUM_PATH that exists but is no browser is reported with what was tried', async () => {
    await expect(findBrowser({ env: { CHROMIUM_PATH: '/bin/true' }, systemPaths: [], npm: false })).rejects.toThrow(/Tried: CHROMIUM_PATH \/bin\/true/);
  }, 40_000);
});
