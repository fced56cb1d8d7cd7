/**
 * Lake: browse partitions, open any Parquet file (or type a path) to see schema, row groups and
 * rows; or drop a Parquet file from anywhere on the page to see the same, decoded in this window.
 */
import { useMemo, useState } from 'react';
import type { DragEvent } from 'react';
import type { LakeEntryView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatBytes, formatCount, formatInstant } from '../../lib/format.ts';
import { DroppedFile } from './dropped-file.tsx';
import { LakeTree } from './lake-tree.tsx';
import { RowGroupsCard, SchemaCard } from './parquet-info.tsx';
import { ParquetPreview } from './parquet-preview.tsx';
import { useParquetPreview } from './use-parquet-preview.ts';
import './lake-drop.css';

function Stat({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

function ParquetDetails({ path }: { path: string }) {
  // Rows first: the lake service answers one browse request at a time, in the order they arrive,
  // and a big file's footer (every row group's statistics) takes far longer than its first rows.
  const rows = useParquetPreview(path);
  const info = useContractQuery('lake.parquetInfo', { path });
  const schemaColumns = useMemo(() => info.data?.schema.map((c) => c.name) ?? null, [info.data]);
  if (info.isError) return <ErrorNotice error={info.error} title={`${path} could not be opened`} testId="parquet-error" />;
  const i = info.data;
  const totalRows = i?.rows ?? rows.query.data?.totalRows;
  const name = path.split('/').pop() || path;
  return (
    <div className="stack" data-testid="parquet-details">
      <Card title={name} headingId="file-heading" description={<code>{i?.path ?? path}</code>}>
        <div className="stats">
          <Stat value={totalRows === undefined ? '…' : formatCount(totalRows)} label="Rows" testId="parquet-rows" />
          <Stat value={i ? formatBytes(i.sizeBytes) : '…'} label="Size" />
          <Stat value={i ? String(i.rowGroups.length) : '…'} label="Row groups" />
          <Stat value={i ? String(i.schema.length) : rows.query.data && rows.columns === null ? String(rows.query.data.columns.length) : '…'} label="Columns" />
        </div>
        {i?.createdBy && (
          <p className="muted" style={{ marginTop: 12, fontSize: 'var(--text-s)' }}>
            Written by {i.createdBy}
          </p>
        )}
      </Card>
      <ParquetPreview rows={rows} schemaColumns={schemaColumns} path={path} />
      {i ? (
        <>
          <RowGroupsCard info={i} />
          <SchemaCard info={i} />
        </>
      ) : (
        <Loading label="Reading the Parquet footer…" />
      )}
    </div>
  );
}

function OtherFile({ entry }: { entry: LakeEntryView }) {
  return (
    <Card title={entry.name} headingId="file-heading" description={<code>{entry.path}</code>} testId="file-details">
      <dl className="kv">
        <dt>Size</dt>
        <dd>{formatBytes(entry.sizeBytes)}</dd>
        <dt>Modified</dt>
        <dd>{formatInstant(entry.modifiedAt)}</dd>
      </dl>
      <p className="muted" style={{ marginTop: 12 }}>
        Only Parquet files can be previewed here. Raw landing files stay exactly as downloaded.
      </p>
    </Card>
  );
}

/** Below this window width an opened file's rows need the tree's room: it folds away on open. */
const WIDE_WINDOW = 1400;
const isNarrow = () => typeof window !== 'undefined' && window.innerWidth < WIDE_WINDOW;

/** The Lake page. */
export function LakePage() {
  const [opened, setOpened] = useState<{ path: string; entry: LakeEntryView | null } | null>(null);
  const [dropped, setDropped] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const dropHandlers = {
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (e.currentTarget === e.target) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      const file = e.dataTransfer.files[0];
      if (!file) return;
      // The browser would otherwise navigate to the file.
      e.preventDefault();
      setDragging(false);
      setOpened(null);
      setDropped(file);
    },
  };
  const [typed, setTyped] = useState('');
  const [treeOpen, setTreeOpen] = useState(true);

  const open = (next: { path: string; entry: LakeEntryView | null }) => {
    setDropped(null);
    setOpened(next);
    // The preview grid gets the whole width on narrower windows; the tree is one click away.
    if (isNarrow()) setTreeOpen(false);
  };
  const openPath = (path: string) => open({ path: path.trim(), entry: null });
  const treeToggle = (
    <button
      type="button"
      className="btn btn-small"
      aria-expanded={treeOpen}
      aria-controls="lake-tree-card"
      onClick={() => setTreeOpen((o) => !o)}
      data-testid="toggle-tree"
    >
      {treeOpen ? 'Hide partitions' : 'Show partitions'}
    </button>
  );

  return (
    <div className="page lake-page" data-testid="lake-page" data-dragging={dragging} {...dropHandlers}>
      <PageHeader
        title="Lake"
        description={
          'Every partition in the lake, with sizes and row counts. Open a Parquet file to see its schema, row groups and rows, ' +
          'or drop one from anywhere on this page.'
        }
      />
      <form
        className="open-path"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) openPath(typed);
        }}
      >
        <label htmlFor="open-path" className="field-label">
          Open path…
        </label>
        <div className="input-group" style={{ flex: 1 }}>
          <input
            id="open-path"
            className="input mono"
            placeholder="bronze/stocks_daily/year=2024/month=03/2024-03-28.parquet"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            spellCheck={false}
            data-testid="open-path-input"
          />
          <button type="submit" className="btn" disabled={!typed.trim()} data-testid="open-path-button">
            Open
          </button>
        </div>
      </form>
      <div className="pick-file">
        <label htmlFor="pick-parquet" className="field-label" style={{ margin: 0 }}>
          Or read a Parquet file from this computer:
        </label>
        <input
          id="pick-parquet"
          type="file"
          accept=".parquet,application/vnd.apache.parquet"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) {
              setOpened(null);
              setDropped(file);
            }
          }}
          data-testid="pick-parquet"
        />
      </div>
      <div className="lake-layout" data-tree={treeOpen ? 'open' : 'closed'}>
        {treeOpen && (
          <div id="lake-tree-card">
            <Card title="Partitions" headingId="tree-heading" flush className="tree-card" actions={opened ? treeToggle : undefined}>
              <LakeTree
                selected={opened?.path ?? null}
                onOpen={(entry) => {
                  setTyped(entry.path);
                  open({ path: entry.path, entry });
                }}
              />
            </Card>
          </div>
        )}
        <div className="lake-details">
          {!treeOpen && <div className="lake-tree-rail">{treeToggle}</div>}
          {dropped && <DroppedFile key={`${dropped.name}:${dropped.size}:${dropped.lastModified}`} file={dropped} />}
          {!opened && !dropped && (
            <Card>
              <EmptyState title="No file open." testId="lake-empty">
                Choose a Parquet file in the tree, type a path relative to the lake root above, or drop a Parquet file from anywhere on this
                page (it is read in this window, not by the lake service).
              </EmptyState>
            </Card>
          )}
          {opened && (opened.entry && !opened.entry.name.endsWith('.parquet') ? <OtherFile entry={opened.entry} /> : <ParquetDetails key={opened.path} path={opened.path} />)}
        </div>
      </div>
    </div>
  );
}
