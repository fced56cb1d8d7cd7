/**
 * The rows of one Parquet file's preview: which page, how many rows, which columns, the
 * `lake.preview` query and its decoded Arrow table. It needs nothing from the file's footer (with
 * no `columns` the service returns every column and `totalRows`), so the Lake page calls it before
 * asking for the footer: the lake service answers browse requests one at a time, in order, and the
 * first rows of a big file are ready long before its row-group statistics. Marks
 * `preview:request` when a page of rows is requested.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { UseQueryResult } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { RequestInput, RequestOutput } from '../../../core/contract/contract.ts';
import { useApi } from '../../api/api-provider.tsx';
import type { ContractFailure } from '../../api/contract-client.ts';
import { contractKey } from '../../api/contract-query.ts';
import { decodeArrow } from '../../lib/arrow-table.ts';
import type { DecodedTable } from '../../lib/arrow-table.ts';

export const PREVIEW_PAGE_SIZES = [100, 200, 1000] as const;

export interface ParquetPreviewRows {
  path: string;
  /** The columns asked for, in file order; null for every column. */
  columns: readonly string[] | null;
  offset: number;
  limit: number;
  query: UseQueryResult<RequestOutput<'lake.preview'>, ContractFailure>;
  table: DecodedTable | null;
  setColumns(columns: readonly string[] | null): void;
  setOffset(offset: number): void;
  /** A new page size starts again at the first row. */
  setLimit(limit: number): void;
}

/** The preview rows of `path` (first 200 rows of every column until the user changes that). */
export function useParquetPreview(path: string): ParquetPreviewRows {
  const api = useApi();
  const [columns, setColumns] = useState<readonly string[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [limit, setLimitState] = useState<number>(200);
  const input: RequestInput<'lake.preview'> = { path, columns: columns === null ? undefined : [...columns], offset, limit };

  const query = useQuery<RequestOutput<'lake.preview'>, ContractFailure>({
    queryKey: contractKey('lake.preview', input),
    queryFn: () => {
      performance.mark('preview:request');
      return api.invoke('lake.preview', input);
    },
    enabled: columns === null || columns.length > 0,
    placeholderData: keepPreviousData,
  });
  // Decoding only wraps the IPC buffers; cells are formatted when the table draws them.
  const table = useMemo(() => (query.data ? decodeArrow(query.data.arrow) : null), [query.data]);

  return {
    path,
    columns,
    offset,
    limit,
    query,
    table,
    setColumns,
    setOffset,
    setLimit(next) {
      setLimitState(next);
      setOffset(0);
    },
  };
}
