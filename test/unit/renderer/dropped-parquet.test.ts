/**
 * The checks a dropped file meets before parquet-wasm decodes anything (the decoding itself runs in
 * Chromium: test/e2e/feature-sets-gold-parquet.test.ts): not Parquet, and a footer over the budget.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { DroppedFileError, readDroppedParquet } from '../../../renderer/lib/dropped-parquet.ts';

let dir = '';
let parquet: File;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-dropped-'));
  const file = path.join(dir, 'wide.parquet');
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    await db.connection.run(`COPY (SELECT i AS id, i * 2 AS twice FROM range(1000) t(i)) TO ${sqlString(file)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  parquet = new File([fs.readFileSync(file)], 'wide.parquet');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readDroppedParquet before decoding', () => {
  it('refuses a file that does not end with PAR1, naming it', async () => {
    const csv = new File(['ticker,close\nABC,1.5\n'], 'prices.csv');
    await expect(readDroppedParquet(csv)).rejects.toThrow(DroppedFileError);
    await expect(readDroppedParquet(csv)).rejects.toThrow('prices.csv is not a Parquet file (it does not end with PAR1)');
  });

  it('refuses a footer over the budget after reading only the 8-byte tail', async () => {
    // Every range read goes through Blob.prototype.slice (the reader wraps the file's own slice around it).
    let read = 0;
    const slice = Blob.prototype.slice;
    Blob.prototype.slice = function (this: Blob, start?: number, end?: number, type?: string) {
      read += Math.min(this.size, end ?? this.size) - Math.max(0, start ?? 0);
      return slice.call(this, start, end, type);
    };
    try {
      await expect(readDroppedParquet(parquet, 64)).rejects.toThrow(/^wide\.parquet's footer is .* over this page's 0\.0 MiB memory budget/);
    } finally {
      Blob.prototype.slice = slice;
    }
    expect(read).toBe(8);
  });
});
