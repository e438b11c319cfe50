import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { screenshot } from './browser';

// Evaluated through the DevTools protocol, which the page's CSP (no inline scripts) does not block.
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) in both themes, saves a screenshot of each, and
 * returns every serious or critical violation as a readable line.
 */
export async function audit(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(...a: unknown[]): Promise<unknown> } }).axe;
      const result = (await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      })) as { violations: AxeViolation[] };
      return result.violations;
    });
    for (const v of violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      for (const node of v.nodes.slice(0, 3))
        found.push(
          `${name} (${theme}): ${v.id} ${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`,
        );
    }
    await screenshot(page, `a11y-${name}-${theme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
