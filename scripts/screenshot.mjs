#!/usr/bin/env node
// `npm run screenshot`: the README's picture of the demo, taken from the real thing. Starts the
// `npm start` stack on free ports, opens the plain checkout in headless Chromium (Debian's, or
// CHROME_PATH), takes the hosted flow one step in, and writes docs/images/demo-checkout.png.
// Run it after changing how the demo looks, and commit the picture.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStackOnFreePorts } from '../demo/stack.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.mjs';

const out = fileURLToPath(new URL('../docs/images/demo-checkout.png', import.meta.url));
const stack = await startStackOnFreePorts({ quiet: true, watch: false });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(stack.demoUrl);
  await page.waitForSelector('bank-pay-session[state="active"]', { timeout: 15_000 });
  const frame = await (await page.locator('bank-pay-session iframe').elementHandle())?.contentFrame();
  if (!frame) throw new Error('the demo shows no hosted flow');
  await frame.waitForSelector('body[data-state="bank"]');
  // One step in, so the picture shows the flow moving and the event log at work.
  await frame.getByRole('button', { name: 'Continue' }).click();
  await frame.waitForSelector('body[data-state="signin"]');
  await page.waitForFunction(() => document.querySelectorAll('#event-log li li').length >= 4);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await stack.close();
}
