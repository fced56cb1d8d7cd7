/**
 * axe-core in the UI suite: injected into the page (node_modules/axe-core/axe.min.js, the version
 * in devDependencies) and run over the whole document; findings of impact serious or critical
 * fail the test, printed one per line with the rule, the element and axe's own explanation.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = path.resolve('node_modules', 'axe-core', 'axe.min.js');

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** Loads axe into the page once per document. */
async function ensureAxe(page: Page): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (loaded) return;
  // Evaluated through the DevTools protocol: a script tag would be inline script, which the page's
  // CSP refuses (rightly), and the audit must see the page under the CSP users get.
  await page.evaluate(fs.readFileSync(AXE_SOURCE, 'utf8'));
}

/** Runs axe on the current page; returns the serious and critical findings as readable lines. */
export async function seriousAxeFindings(page: Page): Promise<string[]> {
  await ensureAxe(page);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => {
        const why = (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300);
        return `${v.impact} ${v.id} (${v.help}) at ${n.target.join(' ')}: ${why}`;
      }),
    );
}
