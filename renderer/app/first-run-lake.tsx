/**
 * The first run's lake folder: shown in place of the page until a folder is chosen. The desktop app
 * opens the system's folder dialog (an external drive is fine); the web host, which cannot open one
 * on the server, takes a typed path. The host checks the folder (writable, its volume mounted),
 * saves it, creates it and remembers it with its volume.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useContractMutation, useContractQuery } from '../api/contract-query.ts';
import { Card } from '../components/card.tsx';
import { ErrorNotice } from '../components/feedback.tsx';

/** The screen; `desktop` offers the folder dialog. */
export function FirstRunLake({ desktop }: { desktop: boolean }) {
  const client = useQueryClient();
  // The saved (default) dataRoot is the suggestion: the real lake's folder, not the demo one.
  const settings = useContractQuery('settings.get', {});
  const [typed, setFolder] = useState<string | null>(null);
  const folder = typed ?? settings.data?.dataRoot ?? '';
  const choose = useContractMutation('settings.chooseDataRoot', {
    onSuccess: () => void client.invalidateQueries(),
  });
  const pick = useContractMutation('settings.pickDataRoot', {
    onSuccess: (r) => {
      if (r.path) {
        setFolder(r.path);
        choose.mutate({ path: r.path });
      }
    },
  });
  return (
    <Card title="Where should the lake live?" headingId="first-run-lake-heading" testId="first-run-lake">
      <div className="stack">
        <p>
          QuantMini keeps its market data in one folder, the lake. It can be on this disk or on an external drive; QuantMini
          remembers the drive and will not write the lake anywhere else while it is unplugged.
        </p>
        {choose.isError && <ErrorNotice error={choose.error} title="That folder cannot hold the lake" />}
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            choose.mutate({ path: folder.trim() });
          }}
        >
          <div className="field">
            <label className="field-label" htmlFor="first-run-folder">
              Lake folder
            </label>
            <div className="input-group">
              <input id="first-run-folder" className="input" value={folder} onChange={(e) => setFolder(e.target.value)} data-testid="first-run-folder" />
            </div>
            <span className="field-hint">An absolute path; the folder is created if it does not exist.</span>
          </div>
          <div className="row">
            {desktop && (
              <button type="button" className="btn" onClick={() => pick.mutate({})} disabled={pick.isPending || choose.isPending}>
                Choose a folder…
              </button>
            )}
            <button type="submit" className="btn btn-primary" disabled={!folder.trim() || choose.isPending} data-testid="first-run-use">
              Use this folder
            </button>
          </div>
        </form>
      </div>
    </Card>
  );
}

