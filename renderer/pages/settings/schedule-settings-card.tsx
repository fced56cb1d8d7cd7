/**
 * Settings' scheduled update: install or remove the OS schedule (a launchd agent or a systemd user
 * timer that starts this host's program: the app binary with --scheduled-run, or the CLI), its New
 * York time, and, in the desktop app, the optional menu-bar item. Each action applies at once.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ScheduleChangeView } from '../../../core/contract/contract-views.ts';
import { contractKey, useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { Card } from '../../components/card.tsx';
import { ErrorNotice } from '../../components/feedback.tsx';
import { TextField } from './form-fields.tsx';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The card; `desktop` adds the menu-bar switch (the web host has no menu bar). */
export function ScheduleSettingsCard({ desktop }: { desktop: boolean }) {
  const client = useQueryClient();
  const status = useContractQuery('schedule.status', {});
  const [at, setAt] = useState<string | null>(null);
  const [change, setChange] = useState<ScheduleChangeView | null>(null);
  const done = (r: ScheduleChangeView) => {
    setChange(r);
    client.setQueryData(contractKey('schedule.status', {}), r.status);
  };
  const install = useContractMutation('schedule.install', { onSuccess: done });
  const remove = useContractMutation('schedule.remove', { onSuccess: done });
  const menuBar = useContractMutation('settings.update', {
    onSuccess: () => void client.invalidateQueries({ queryKey: contractKey('schedule.status', {}) }),
  });
  const s = status.data;
  const time = at ?? s?.at ?? '06:00';
  const timeError = TIME.test(time) ? undefined : 'a time as HH:MM (24-hour, New York time)';
  const error = install.error ?? remove.error ?? menuBar.error;
  return (
    <Card
      title="Scheduled update"
      headingId="schedule-settings-heading"
      description="Updates every NYSE trading day at this New York time, also while QuantMini is closed."
      testId="schedule-settings"
    >
      {status.isError && <ErrorNotice error={status.error} title="The schedule could not be read" />}
      {error && <ErrorNotice error={error} title="The schedule was not changed" />}
      {s && (
        <div className="stack">
          <p data-testid="schedule-settings-state">
            {s.enabled && s.install.installed ? `On: every trading day at ${s.at} New York time.` : 'Off.'}
            {s.install.program && <span className="muted"> The schedule starts {s.install.program.join(' ')}.</span>}
          </p>
          <div className="form-grid">
            <TextField id="schedule-at" label="Time (New York)" value={time} onChange={(e) => setAt(e.target.value)} error={timeError} />
          </div>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              disabled={!s.install.available || Boolean(timeError) || install.isPending}
              onClick={() => install.mutate({ at: time })}
              data-testid="schedule-install"
            >
              {s.enabled && s.install.installed ? 'Update the schedule' : 'Turn on the schedule'}
            </button>
            {(s.enabled || s.install.installed) && (
              <button type="button" className="btn" disabled={remove.isPending} onClick={() => remove.mutate({})} data-testid="schedule-remove">
                Turn off
              </button>
            )}
          </div>
          {change && !change.activated && (
            <div className="muted" data-testid="schedule-instructions">
              <p>{change.managerMessage}; the files are in place. To apply them, run:</p>
              <pre>{change.instructions.join('\n')}</pre>
            </div>
          )}
          {desktop && (
            <label className="row">
              <input
                type="checkbox"
                checked={s.menuBar}
                disabled={menuBar.isPending}
                onChange={(e) => menuBar.mutate({ menuBar: e.target.checked })}
                data-testid="menu-bar-toggle"
              />
              Show the last update and &ldquo;Update now&rdquo; in the menu bar
            </label>
          )}
        </div>
      )}
    </Card>
  );
}
