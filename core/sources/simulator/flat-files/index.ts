// Polygon-identical flat files (gzip CSV, one per dataset and trading day) rendered from a simulated market.
export { FLAT_FILE_HEADER, flatFileAbsence, flatFileCsvChunks, type FlatFileAbsence } from './flat-file-csv.ts';
export {
  FLAT_FILE_GZIP_LEVEL,
  gzipFlatFile,
  renderFlatFile,
  renderFlatFileAsync,
  renderFlatFileCsv,
  streamFlatFile,
} from './render-flat-file.ts';
