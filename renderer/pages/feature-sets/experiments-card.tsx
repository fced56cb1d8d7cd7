/**
 * The experiments log of one set: every build (newest first) with its range, rows and a note the
 * researcher can edit; a note is saved through `featureSets.setNote` (schema-validated at the
 * boundary) into silver/features/experiments.json, so it survives restarts and shows in the CLI.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FeatureExperimentView } from '../../../core/contract/contract-views.ts';
import { contractKey, useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatCount, formatDateRange, formatInstant, NONE } from '../../lib/format.ts';

const testIdOf = (id: string) => id.replace(/[@#.]/g, '-');

function NoteEditor({ entry }: { entry: FeatureExperimentView }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(entry.note ?? '');
  const save = useContractMutation('featureSets.setNote', {
    onSuccess: () => queryClient.invalidateQueries({ queryKey: contractKey('featureSets.experiments') }),
  });
  const id = `note-${testIdOf(entry.id)}`;
  const dirty = text !== (entry.note ?? '');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ id: entry.id, note: text });
      }}
      className="stack"
      style={{ gap: 4 }}
    >
      <label htmlFor={id} className="visually-hidden">
        Note for {entry.id}
      </label>
      <textarea
        id={id}
        className="textarea experiment-note"
        value={text}
        maxLength={4000}
        onChange={(e) => setText(e.target.value)}
        data-testid={id}
      />
      <div className="row">
        <button type="submit" className="btn btn-small" disabled={!dirty || save.isPending} data-testid={`save-${id}`}>
          {save.isPending ? 'Saving…' : 'Save note'}
        </button>
        <span role="status" className="muted" style={{ fontSize: 'var(--text-s)' }}>
          {save.isSuccess && !dirty ? 'Saved.' : ''}
        </span>
      </div>
      {save.isError && <ErrorNotice error={save.error} title="The note could not be saved" />}
    </form>
  );
}

/** The card for set `name`. */
export function ExperimentsCard({ name }: { name: string }) {
  const log = useContractQuery('featureSets.experiments', { name }, { staleTime: 30_000 });
  return (
    <Card
      title="Experiments"
      headingId="experiments-heading"
      description="Every build of this set, with your notes."
      testId="experiments-card"
      flush
    >
      {log.isPending && <Loading label="Reading the experiments log…" />}
      {log.isError && <ErrorNotice error={log.error} title="The experiments log could not be read" />}
      {log.data && log.data.length === 0 && <EmptyState title="No build of this set is logged yet." />}
      {log.data && log.data.length > 0 && (
        <table className="table" aria-labelledby="experiments-heading">
          <thead>
            <tr>
              <th scope="col">Build</th>
              <th scope="col">When</th>
              <th scope="col">Days</th>
              <th scope="col" className="num">Rows</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((e) => (
              <tr key={e.id} data-testid={`experiment-${testIdOf(e.id)}`}>
                <td className="mono">{e.id}</td>
                <td>{formatInstant(e.builtAt)}</td>
                <td>
                  {formatDateRange(e.dates.from, e.dates.to)} ({formatCount(e.dates.count)})
                </td>
                <td className="num">{e.rows === null ? NONE : formatCount(e.rows)}</td>
                <td style={{ minWidth: 220 }}>
                  <NoteEditor key={e.note ?? ''} entry={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
