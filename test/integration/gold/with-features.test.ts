import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';

const run = promisify(execFile);
const FIXTURE = path.join('test', 'fixtures', 'qlib-small');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-with-features-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const cli = async (...args: string[]) => {
  try {
    const r = await run(process.execPath, ['bin/quantmini.js', ...args], { cwd: process.cwd() });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('qlib dump --with-features alpha158@1', () => {
  it("writes Alpha158's outputs as fields holding Qlib's own values (qlib-small/alpha158.csv)", async () => {
    const out = path.join(work, 'q');
    const r = await cli('--json', 'qlib', 'dump', '--csv-dir', path.join(FIXTURE, 'csv'), '--qlib-dir', out, '--with-features', 'alpha158@1');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ instruments: 10, withFeatures: { set: 'alpha158@1.0.0', fields: 158, instruments: 10 } });
    const calendar = readQlibCalendar(out);
    const [header, ...lines] = fs.readFileSync(path.join(FIXTURE, 'alpha158.csv'), 'utf8').trim().split('\n');
    const names = header!.split(',');
    const checked = ['KMID', 'ROC60', 'CORR20', 'RSQR10', 'VSUMD60'];
    const bins = new Map<string, { start: number; values: Float32Array }>();
    let compared = 0;
    for (const line of lines) {
      const cells = line.split(',');
      const [inst, date] = cells as [string, string];
      for (const name of checked) {
        const key = `${inst}|${name}`;
        if (!bins.has(key)) {
          const f = readQlibFeature(out, inst, name.toLowerCase())!;
          bins.set(key, { start: f.start, values: f.values });
        }
        const bin = bins.get(key)!;
        const got = bin.values[calendar.indexOf(date) - bin.start]!;
        const text = cells[names.indexOf(name)]!;
        if (text === '') expect(Number.isNaN(got), `${key} ${date}`).toBe(true);
        else expect(Math.abs(got - Number(text)), `${key} ${date}`).toBeLessThanOrEqual(Math.max(1e-9, 1e-6 * Math.abs(Number(text))));
        compared++;
      }
    }
    expect(compared).toBe(lines.length * checked.length);
    // The bins share the instrument's range with its data fields.
    const inst = readQlibInstruments(out, 'all')[0]!.instrument;
    expect(readQlibFeature(out, inst, 'kmid')!.values.length).toBe(readQlibFeature(out, inst, 'close')!.values.length);
  }, 120_000);

  it('is refused with --update, and for a set version not installed', async () => {
    const a = await cli('qlib', 'dump', '--csv-dir', path.join(FIXTURE, 'csv'), '--qlib-dir', path.join(work, 'u'), '--update', '--with-features', 'alpha158');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--with-features goes with a full dump of day data/);
    const b = await cli('qlib', 'dump', '--csv-dir', path.join(FIXTURE, 'csv'), '--qlib-dir', path.join(work, 'v'), '--with-features', 'alpha158@2');
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/the installed alpha158 is version 1\.0\.0/);
  }, 60_000);
});
