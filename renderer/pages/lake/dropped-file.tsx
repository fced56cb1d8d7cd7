/**
 * A Parquet file dropped on the Lake page (from anywhere, outside the lake too): its schema, row
 * groups and first rows, decoded here in the renderer (renderer/lib/dropped-parquet.ts). The
 * backend is never asked to open the file, so no path outside the lake ever reaches it.
 */
import { useEffect, useState } from 'react';
import { Card } from '../../components/card.tsx';
import { DataGrid } from '../../components/data-grid.tsx';
import { ErrorNotice, Loading } from '../../components/feedback.tsx';
import { readDroppedParquet, type DroppedParquet } from '../../lib/dropped-parquet.ts';
import { formatBytes, formatCount, plural } from '../../lib/format.ts';

type State = { kind: 'reading' } | { kind: 'done'; file: DroppedParquet } | { kind: 'failed'; error: Error };

/** The dropped file `file`. */
export function DroppedFile({ file }: { file: File }) {
  const [state, setState] = useState<State>({ kind: 'reading' });
  useEffect(() => {
    // The parent keys this component by file, so a new file starts from 'reading' with a new state.
    let live = true;
    readDroppedParquet(file).then(
      (f) => live && setState({ kind: 'done', file: f }),
      (error: unknown) => live && setState({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [file]);
  if (state.kind === 'reading') return <Loading label={`Reading ${file.name}…`} />;
  if (state.kind === 'failed') return <ErrorNotice error={state.error} title={`${file.name} could not be read`} testId="dropped-error" />;
  const f = state.file;
  return (
    <div className="stack" data-testid="dropped-file" data-bytes-read={f.bytesRead} data-size={f.sizeBytes}>
      <Card
        title={f.name}
        headingId="dropped-heading"
        description={
          `Dropped file, read in this window: ${formatBytes(f.bytesRead)} of ${formatBytes(f.sizeBytes)} read ` +
          '(the footer and the rows shown).'
        }
      >
        <div className="stats">
          <div className="stat">
            <span className="stat-value" data-testid="dropped-rows">{formatCount(f.rows)}</span>
            <span className="stat-label">Rows</span>
          </div>
          <div className="stat">
            <span className="stat-value">{formatBytes(f.sizeBytes)}</span>
            <span className="stat-label">Size</span>
          </div>
          <div className="stat">
            <span className="stat-value" data-testid="dropped-row-groups">{f.rowGroups.length}</span>
            <span className="stat-label">Row groups</span>
          </div>
          <div className="stat">
            <span className="stat-value">{f.schema.length}</span>
            <span className="stat-label">Columns</span>
          </div>
        </div>
        {f.createdBy && (
          <p className="muted" style={{ marginTop: 12, fontSize: 'var(--text-s)' }}>
            Written by {f.createdBy}
          </p>
        )}
      </Card>
      <Card title="First rows" headingId="dropped-rows-heading" description="From the first row group." testId="dropped-preview" flush>
        {f.tooLarge && (
          <div className="notice" data-tone="warning" role="status" data-testid="dropped-too-large" style={{ margin: 12 }}>
            {f.tooLarge}
          </div>
        )}
        {f.preview && <DataGrid table={f.preview} label={`First rows of ${f.name}`} testIdPrefix="dropped" height={320} />}
      </Card>
      <Card title="Row groups" headingId="dropped-groups-heading" flush>
        <table className="table" aria-labelledby="dropped-groups-heading">
          <thead>
            <tr>
              <th scope="col" className="num">#</th>
              <th scope="col" className="num">Rows</th>
              <th scope="col" className="num">Compressed</th>
              <th scope="col" className="num">Decoded</th>
              <th scope="col">Compression</th>
            </tr>
          </thead>
          <tbody>
            {f.rowGroups.map((g) => (
              <tr key={g.index}>
                <td className="num">{g.index}</td>
                <td className="num">{formatCount(g.rows)}</td>
                <td className="num">{formatBytes(g.compressedBytes)}</td>
                <td className="num">{formatBytes(g.uncompressedBytes)}</td>
                <td>{g.compression}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Schema" headingId="dropped-schema-heading" description={plural(f.schema.length, 'column')} flush>
        <table className="table" aria-labelledby="dropped-schema-heading" data-testid="dropped-schema">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Nullable</th>
            </tr>
          </thead>
          <tbody>
            {f.schema.map((c) => (
              <tr key={c.name}>
                <td className="mono">{c.name}</td>
                <td className="mono">{c.type}</td>
                <td>{c.nullable ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
