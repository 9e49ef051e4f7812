// Headless Debian Chromium through playwright-core (no browser download), with a fake camera and microphone
// playing files. One browser process per participant: the fake capture files are per process.
//
//   const b = await launchBrowser({ y4m: media.astronautY4m, wav: media.speechWav });
//   const page = await b.newPage(url);   …   await b.close();
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { saveText } from './artifacts.js';

export const CHROMIUM_PATH = process.env.AFFECTCAST_CHROMIUM ?? '/usr/bin/chromium';

export interface LaunchBrowserOptions {
  /** y4m (or mjpeg) file for the fake camera. */
  y4m?: string;
  /** wav file for the fake microphone. */
  wav?: string;
  /** A label for logs and artifacts (default "browser"). */
  name?: string;
  /** Chromium features to disable besides WebRtcHideLocalIpsWithMdns (one --disable-features switch holds all). */
  disableFeatures?: string[];
  extraArgs?: string[];
}

export interface TestBrowser {
  readonly name: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** Console messages and page errors of every page of this browser, in order. */
  readonly log: string[];
  newPage(url?: string): Promise<Page>;
  /** Writes the collected page log to the artifacts folder (call it when a test fails). */
  saveLog(label?: string): string;
  close(): Promise<void>;
}

/** The flags that run headless Chromium with fake media and WebRTC here (Chromium 156, Debian 12). */
export function chromiumArgs(options: LaunchBrowserOptions): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(options.y4m ? [`--use-file-for-fake-video-capture=${options.y4m}`] : []),
    ...(options.wav ? [`--use-file-for-fake-audio-capture=${options.wav}`] : []),
    '--allow-loopback-in-peer-connection',
    `--disable-features=${['WebRtcHideLocalIpsWithMdns', ...(options.disableFeatures ?? [])].join(',')}`,
    ...(options.extraArgs ?? []),
  ];
}

export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<TestBrowser> {
  for (const file of [options.y4m, options.wav]) {
    if (file && !fs.existsSync(file)) throw new Error(`missing test media ${file} (bash scripts/test-media.sh)`);
  }
  const name = options.name ?? 'browser';
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs(options) });
  const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
  const log: string[] = [];
  const t0 = Date.now();
  const stamp = () => `+${String(Date.now() - t0).padStart(6)} ms`;
  const newPage = async (url?: string): Promise<Page> => {
    const page = await context.newPage();
    page.on('console', (m) => log.push(`${stamp()} [${name} console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`${stamp()} [${name} pageerror] ${e.stack ?? e.message}`));
    if (url) await page.goto(url);
    return page;
  };
  let closing: Promise<void> | undefined;
  return {
    name,
    browser,
    context,
    log,
    newPage,
    saveLog: (label = name) => saveText(`${label}-console.log`, log.join('\n') + '\n'),
    close: () => (closing ??= browser.close().catch(() => undefined)),
  };
}
