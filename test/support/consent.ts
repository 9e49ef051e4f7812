// The meeting page asks each participant for consent before any of their media is analysed: a test that
// needs analysis accepts it the way a person does, by clicking, and waits until the server recorded it.
import type { Page } from 'playwright-core';
import type { MeetingWindow } from '../../src/web/meeting/pageState.js';
import { until } from './until.js';

export async function acceptConsent(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.locator('#consent-accept').click({ timeout: timeoutMs });
  await until(
    () => page.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.consent.granted === true),
    timeoutMs,
    'the server to record the consent',
  );
}
