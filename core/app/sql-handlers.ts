import type { Handlers } from '../contract/dispatch.ts';
import type { LakeMethod, LakeMethods } from '../lake-service/lake-service-protocol.ts';

/** Anything that answers the lake service's methods: its client in the backend, the service itself in tests. */
export interface LakeCaller {
  call<M extends LakeMethod>(method: M, params: LakeMethods[M]['params']): Promise<LakeMethods[M]['result']>;
}

/** The SQL page's requests: each query runs in the lake service and stops when its page goes away. */
export function sqlHandlers(lake: LakeCaller): Pick<Handlers, 'sql.run' | 'sql.cancel'> {
  return {
    'sql.run': async (input, context) => {
      // A query nobody will read (its page closed or reloaded) must not keep the engine busy.
      const off = context.onClose(() => void lake.call('sqlCancel', { queryId: input.queryId }).catch(() => undefined));
      try {
        return await lake.call('sqlRun', { queryId: input.queryId, sql: input.sql, maxRows: input.maxRows });
      } finally {
        off();
      }
    },
    'sql.cancel': (input) => lake.call('sqlCancel', { queryId: input.queryId }),
  };
}
