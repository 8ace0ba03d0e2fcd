// Layout and accessibility audit of every dashboard view, used by dashboard.e2e.mjs.
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// Each view at 1440x900 and 390x844, light and dark: no horizontal overflow of the page, and axe-core (WCAG 2.1 A/AA rules) finds
// no serious or critical violation. The audit's own context bypasses the CSP to inject axe; the app's does not.
export async function auditViews({ browser, url, token, deviceId, alertId, shot, signIn }) {
  const device = `devices/${encodeURIComponent(deviceId)}`;
  const views = ['overview', 'live', 'alerts?state=', `alerts/${alertId}`, 'devices', device, 'batches', 'proofs', 'no-such-view'];
  const ready = {
    overview: '[data-chart="throughput"] canvas', live: 'tr[data-log]', 'alerts?state=': 'tr[data-alert]',
    [`alerts/${alertId}`]: '[data-trail]', devices: 'tr[data-device-row]', [device]: '[data-chart="temperature"] canvas',
    batches: '[data-paged="batches"] tr', proofs: 'form.proof-form', 'no-such-view': '[data-view="not-found"]',
  };
  const problems = [];
  const passes = [];
  for (const [size, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    for (const scheme of ['light', 'dark']) {
      passes.push([`${size}-${scheme}`, viewport, scheme]);
    }
  }
  for (const [size, viewport, colorScheme] of passes) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport, colorScheme, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, token);
    for (const view of views) {
      await page.goto(`${url}/#/${view}`);
      await page.waitForSelector(ready[view], { timeout: 30000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) {
        problems.push(`${size} #/${view}: the page is ${overflow} px wider than the screen`);
      }
      if (size.startsWith('phone')) {
        const header = await page.evaluate(() => [...document.querySelectorAll('header button, header .connection, header .role')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.className || e.textContent));
        if (header.length) {
          problems.push(`phone #/${view}: header items off-screen: ${header.join(', ')}`);
        }
      }
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      for (const v of violations) {
        problems.push(`${size} #/${view}: ${v}`);
      }
      await shot(page, `10-${size}-${view.replace(/[^a-z0-9-]/g, '_').slice(0, 40)}`);
    }
    // The theme follows the system, and the header's toggle switches it (and is remembered).
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const before = await background();
    const shown = await page.getAttribute('[data-theme-toggle]', 'data-theme-toggle');
    if (shown !== colorScheme) {
      problems.push(`${size}: the page shows the ${shown} theme under a ${colorScheme} system preference`);
    }
    await page.click('[data-theme-toggle]');
    const after = await background();
    if (after === before) {
      problems.push(`${size}: the theme toggle did not change the page (${before})`);
    }
    await page.reload();
    await page.waitForSelector('[data-theme-toggle]');
    if (await page.getAttribute('[data-theme-toggle]', 'data-theme-toggle') === colorScheme) {
      problems.push(`${size}: the chosen theme was not remembered`);
    }
    await context.close();
  }
  if (problems.length) {
    throw new Error(`layout and accessibility:\n${problems.join('\n')}`);
  }
}

