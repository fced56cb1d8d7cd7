import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/cli.ts';

// The layer rule runs through ESLint with the repository's own configuration, on source text
// given a path inside core/ (nothing is written to disk).
const eslint = new ESLint({ cwd: REPO_ROOT });

async function layeringMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'quantmini/core-layering').map((m) => m.message);
}

describe('core layering lint', () => {
  // Loading typescript-eslint takes seconds on a busy machine; pay it once, outside the tests.
  beforeAll(() => eslint.calculateConfigForFile(path.join(REPO_ROOT, 'core/calendar/example.ts')), 120_000);

  it('refuses an import up the layer order', async () => {
    const msgs = await layeringMessages('core/calendar/example.ts', "import { planTargets } from '../runtime/planner.ts';\nexport const p = planTargets;\n");
    expect(msgs).toEqual([expect.stringMatching(/^calendar \(level 0\) must not import runtime \(level 7\)/)]);
  });

  it('refuses an import sideways, between folders of one level', async () => {
    const msgs = await layeringMessages('core/runtime/example.ts', "export { lakeService } from '../lake-service/lake-service.ts';\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(/runtime \(level 7\) must not import lake-service \(level 7\)/);
  });

  it('refuses a dynamic import upward and electron anywhere in core', async () => {
    const msgs = await layeringMessages(
      'core/sources/polygon/example.ts',
      "import { app } from 'electron';\nexport const load = () => import('../../runtime/planner.ts');\nexport const a = app;\n",
    );
    expect(msgs).toEqual([expect.stringMatching(/keep "electron" imports in electron\//), expect.stringMatching(/sources\/polygon \(level 5\) must not import runtime/)]);
  });

  it('allows imports down the order and within a folder', async () => {
    const code = "import { tradingDays } from '../calendar/index.ts';\nimport { x } from './nearby.ts';\nexport const t = [tradingDays, x];\n";
    expect(await layeringMessages('core/runtime/example.ts', code)).toEqual([]);
  });

  it('names a folder that has no level yet', async () => {
    const msgs = await layeringMessages('core/newthing/example.ts', "import { tradingDays } from '../calendar/index.ts';\nexport const t = tradingDays;\n");
    expect(msgs).toEqual([expect.stringMatching(/core\/newthing has no level/)]);
  });
});
