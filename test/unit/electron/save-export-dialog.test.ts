/** The save dialog for SQL exports, over a stand-in for Electron's dialog (the runtime cannot run here). */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BaseWindow, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { createSaveExportPicker } from '../../../electron/save-export-dialog.ts';

// A downloads folder the dialog only names (nothing is written there).
const DOWNLOADS = path.join(os.tmpdir(), 'Downloads');

function fakeDialog(answer: SaveDialogReturnValue) {
  const calls: Array<{ parent: BaseWindow | null; options: SaveDialogOptions }> = [];
  const showSaveDialog = ((a: BaseWindow | SaveDialogOptions, b?: SaveDialogOptions) => {
    calls.push(b ? { parent: a as BaseWindow, options: b } : { parent: null, options: a as SaveDialogOptions });
    return Promise.resolve(answer);
  }) as never;
  return { dialog: { showSaveDialog }, calls };
}

describe('save dialog for exports', () => {
  it('opens on the parent window in the Downloads folder with the dated name and a filter for the format', async () => {
    const win = {} as BaseWindow;
    const { dialog, calls } = fakeDialog({ canceled: false, filePath: path.join(DOWNLOADS, 'prices.csv') });
    const pick = createSaveExportPicker(dialog, () => win, DOWNLOADS);
    expect(await pick({ defaultName: 'quantmini-query-2026-03-12-143005.csv', format: 'csv' })).toBe(path.join(DOWNLOADS, 'prices.csv'));
    expect(calls[0]!.parent).toBe(win);
    expect(calls[0]!.options).toMatchObject({
      defaultPath: path.join(DOWNLOADS, 'quantmini-query-2026-03-12-143005.csv'),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
  });

  it('returns null when cancelled, and adds the extension when the dialog dropped it', async () => {
    const cancelled = createSaveExportPicker(fakeDialog({ canceled: true, filePath: '' }).dialog, () => null, '/d');
    expect(await cancelled({ defaultName: 'a.parquet', format: 'parquet' })).toBeNull();
    const { dialog, calls } = fakeDialog({ canceled: false, filePath: '/d/prices' });
    const pick = createSaveExportPicker(dialog, () => null, '/d');
    expect(await pick({ defaultName: 'a.parquet', format: 'parquet' })).toBe('/d/prices.parquet');
    expect(calls[0]!.parent).toBeNull();
    expect(calls[0]!.options.filters).toEqual([{ name: 'Parquet', extensions: ['parquet'] }]);
  });
});
