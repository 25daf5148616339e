// Headless Chromium for the page tests: Debian's chromium driven by puppeteer-core (no browser
// download). Tests that need it skip by name where /usr/bin/chromium is absent. Every page is
// watched for console errors, uncaught exceptions and requests leaving for anywhere but the
// page's own origin (or its file).
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
  });
}

export interface Watched {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests to anywhere but `allowed` origins (file: pages may only load themselves and data:). */
  foreign: string[];
}

export async function watchedPage(b: Browser, allowed: string[] = [], viewport = { width: 1440, height: 900 }): Promise<Watched> {
  const page = await b.newPage();
  await page.setViewport(viewport);
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('data:') && !u.startsWith('file:') && !allowed.some((a) => u.startsWith(a))) foreign.push(u);
  });
  return { page, errors, foreign };
}
