import type { Browser, ConsoleMessage, Page } from 'playwright-core';

/** Debian's Chromium (apt `chromium`); CHROMIUM overrides. playwright-core brings no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PreviewPage {
  page: Page;
  /** console.error / pageerror / failed requests seen since the page opened. */
  errors: string[];
}

export interface OpenPreviewOptions {
  view: 'calls' | 'milestone' | 'links';
  theme?: 'dark' | 'light';
  width?: number;
  height?: number;
  /** Query refresh of the page; 0 = only /live changes what it shows. Default: the server's. */
  refreshMs?: number;
}

/** Opens the preview page at wall size and waits until the host reports ready (or error). */
export async function openPreview(browser: Browser, baseUrl: string, options: OpenPreviewOptions): Promise<PreviewPage> {
  const width = options.width ?? 1920;
  const height = options.height ?? 1080;
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A WebSocket torn down by a stopped collector is expected; anything else is not.
    if (!request.url().startsWith('ws')) errors.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`);
  });
  const query = new URLSearchParams({ view: options.view, theme: options.theme ?? 'dark', width: String(width), height: String(height) });
  if (options.refreshMs !== undefined) query.set('refreshMs', String(options.refreshMs));
  await page.goto(`${baseUrl}/?${query}`);
  await page.waitForSelector('body[data-host-state="ready"], body[data-host-state="error"]', { timeout: 30_000 });
  const state = await page.getAttribute('body', 'data-host-state');
  if (state !== 'ready') throw new Error(`preview host failed: ${await page.evaluate(() => (globalThis as unknown as { callboardHost?: { error?: string } }).callboardHost?.error)}; ${errors.join('; ')}`);
  return { page, errors };
}
