/** A Parquet file's footer: schema and row groups, with per-column statistics on demand. */
import { Fragment, useState } from 'react';
import type { ParquetInfoView } from '../../../core/contract/contract-views.ts';
import { Card } from '../../components/card.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { TableScroll } from '../../components/table-scroll.tsx';

/** The schema table. */
export function SchemaCard({ info }: { info: ParquetInfoView }) {
  return (
    <Card title="Schema" headingId="schema-heading" testId="parquet-schema" description={`${info.schema.length} columns`} flush>
      <TableScroll label="Schema" maxHeight={320}>
        <table className="table" aria-labelledby="schema-heading">
          <thead>
            <tr>
              <th scope="col" className="num" style={{ width: 48 }}>
                #
              </th>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
            </tr>
          </thead>
          <tbody>
            {info.schema.map((c, i) => (
              <tr key={c.name} data-testid={`schema-${c.name}`}>
                <td className="num muted">{i + 1}</td>
                <td>
                  <code>{c.name}</code>
                </td>
                <td className="mono">{c.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </Card>
  );
}

/** The row groups table; each group expands to its column chunks. */
export function RowGroupsCard({ info }: { info: ParquetInfoView }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (i: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  return (
    <Card title="Row groups" headingId="row-groups-heading" testId="parquet-row-groups" description={`${info.rowGroups.length} row ${info.rowGroups.length === 1 ? 'group' : 'groups'}`} flush>
      <TableScroll label="Row groups" maxHeight={420}>
        <table className="table" aria-labelledby="row-groups-heading">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col" className="num">Rows</th>
              <th scope="col" className="num">Compressed</th>
              <th scope="col" className="num">Uncompressed</th>
              <th scope="col">Compression</th>
              <th scope="col">
                <span className="visually-hidden">Columns</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {info.rowGroups.map((g) => {
              const expanded = open.has(g.index);
              const codecs = [...new Set(g.columns.map((c) => c.compression))].join(', ');
              return (
                <Fragment key={g.index}>
                  <tr data-testid={`row-group-${g.index}`}>
                    <td>{g.index}</td>
                    <td className="num">{formatCount(g.rows)}</td>
                    <td className="num">{formatBytes(g.compressedBytes)}</td>
                    <td className="num">{formatBytes(g.uncompressedBytes)}</td>
                    <td>{codecs || '—'}</td>
                    <td className="num">
                      <button type="button" className="btn btn-small btn-ghost" aria-expanded={expanded} onClick={() => toggle(g.index)} data-testid={`row-group-toggle-${g.index}`}>
                        {expanded ? 'Hide columns' : 'Show columns'}
                      </button>
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="nested-row">
                      <td colSpan={6}>
                        <table className="table compact" aria-label={`Columns of row group ${g.index}`} data-testid={`row-group-columns-${g.index}`}>
                          <thead>
                            <tr>
                              <th scope="col">Column</th>
                              <th scope="col">Type</th>
                              <th scope="col">Compression</th>
                              <th scope="col" className="num">Compressed</th>
                              <th scope="col" className="num">Uncompressed</th>
                              <th scope="col">Min</th>
                              <th scope="col">Max</th>
                              <th scope="col" className="num">Nulls</th>
                            </tr>
                          </thead>
                          <tbody>
                            {g.columns.map((c) => (
                              <tr key={c.name}>
                                <td>
                                  <code>{c.name}</code>
                                </td>
                                <td className="mono">{c.type}</td>
                                <td>{c.compression}</td>
                                <td className="num">{formatBytes(c.compressedBytes)}</td>
                                <td className="num">{formatBytes(c.uncompressedBytes)}</td>
                                <td className="mono ellipsis" title={c.min ?? undefined}>
                                  {c.min ?? '—'}
                                </td>
                                <td className="mono ellipsis" title={c.max ?? undefined}>
                                  {c.max ?? '—'}
                                </td>
                                <td className="num">{formatCount(c.nulls)}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </Card>
  );
}
