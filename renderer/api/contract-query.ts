/**
 * react-query over the contract: one query key shape (`[name, input]`) so invalidating by request
 * name is a prefix match, and typed hooks for queries and mutations.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import type { UseMutationOptions, UseQueryOptions } from '@tanstack/react-query';
import type { RequestInput, RequestName, RequestOutput } from '../../core/contract/contract.ts';
import type { ContractFailure } from './contract-client.ts';
import { useApi } from './api-provider.tsx';

/** The query key for a request; `[name]` alone matches every input of that request. */
export function contractKey<K extends RequestName>(name: K, input?: RequestInput<K>): readonly unknown[] {
  return input === undefined ? [name] : [name, input];
}

type QueryOptions<K extends RequestName, T> = Omit<UseQueryOptions<RequestOutput<K>, ContractFailure, T>, 'queryKey' | 'queryFn'>;

/** Runs a contract request as a query keyed by name and input. */
export function useContractQuery<K extends RequestName, T = RequestOutput<K>>(
  name: K,
  input: RequestInput<K>,
  options?: QueryOptions<K, T>,
) {
  const api = useApi();
  return useQuery<RequestOutput<K>, ContractFailure, T>({
    queryKey: contractKey(name, input),
    queryFn: () => api.invoke(name, input),
    ...options,
  });
}

/** A contract request as a mutation (for requests that change something). */
export function useContractMutation<K extends RequestName>(
  name: K,
  options?: Omit<UseMutationOptions<RequestOutput<K>, ContractFailure, RequestInput<K>>, 'mutationFn'>,
) {
  const api = useApi();
  return useMutation<RequestOutput<K>, ContractFailure, RequestInput<K>>({
    mutationFn: (input) => api.invoke(name, input),
    ...options,
  });
}
