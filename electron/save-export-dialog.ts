/**
 * The desktop app's save dialog for SQL exports (the backend's `pickSaveFile`): the person picks
 * where the file goes, starting in their Downloads folder with a dated name, and the lake service
 * writes there through a temporary file beside it. The renderer never names a path itself.
 */
import path from 'node:path';
import type { BaseWindow, Dialog, SaveDialogOptions } from 'electron';

export type ExportFormat = 'csv' | 'parquet';

const FILTERS: Record<ExportFormat, SaveDialogOptions['filters']> = {
  csv: [{ name: 'CSV', extensions: ['csv'] }],
  parquet: [{ name: 'Parquet', extensions: ['parquet'] }],
};

/** Builds the picker over Electron's dialog; `window` is the parent window (null when none is open). */
export function createSaveExportPicker(
  dialog: Pick<Dialog, 'showSaveDialog'>,
  window: () => BaseWindow | null,
  defaultDir: string,
): (request: { defaultName: string; format: ExportFormat }) => Promise<string | null> {
  return async ({ defaultName, format }) => {
    const options: SaveDialogOptions = {
      title: 'Export the query result',
      defaultPath: path.join(defaultDir, defaultName),
      filters: FILTERS[format],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    };
    const parent = window();
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return null;
    // Some platforms return the typed name without the filter's extension: add it, so the file opens as what it is.
    return path.extname(result.filePath) ? result.filePath : `${result.filePath}.${format}`;
  };
}
