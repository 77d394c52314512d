import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (installed by scripts/test-e2e.sh), headless, with the flags this closed network needs:
 * without the background-networking ones it keeps trying to reach Google's hosts.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
