/** Human titles of datasets ("Stocks minute aggregates"), from the settings the backend reports. */
import { useCallback } from 'react';
import { humanize } from '../lib/format.ts';
import { useContractQuery } from './contract-query.ts';

/** Returns a lookup from dataset id to title; unknown ids are humanised. */
export function useDatasetTitles(): (id: string) => string {
  const settings = useContractQuery('settings.get', {}, { staleTime: 60_000 });
  const available = settings.data?.datasetsAvailable;
  return useCallback((id: string) => available?.find((d) => d.id === id)?.title ?? humanize(id), [available]);
}
