import { existsSync } from 'node:fs';

/** Debian's Chromium (apt-get install chromium); no browser is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium as root on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Chromium is installed here. */
export const haveChromium = existsSync(CHROMIUM);
