/**
 * "Remove API key" and "Remove S3 keys", each asking first: the page never holds the secret, so a
 * removal cannot be undone from here, and the question names where the key is deleted from.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SettingsView } from '../../../core/contract/contract-views.ts';
import { contractKey, useContractMutation } from '../../api/contract-query.ts';
import { ErrorNotice } from '../../components/feedback.tsx';
import { useToast } from '../../components/toast.tsx';

type Which = 'apiKey' | 's3Keys';

const WORDS: Record<Which, { button: string; noun: string; done: string }> = {
  apiKey: { button: 'Remove API key', noun: 'the API key', done: 'API key removed' },
  s3Keys: { button: 'Remove S3 keys', noun: 'both S3 keys', done: 'S3 keys removed' },
};

/** The two buttons and the confirmation they open. */
export function RemoveCredentials({ settings }: { settings: SettingsView }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [asking, setAsking] = useState<Which | null>(null);
  const remove = useContractMutation('settings.setCredentials', {
    onSuccess: (view, input) => {
      qc.setQueryData(contractKey('settings.get', {}), view);
      setAsking(null);
      toast(WORDS['apiKey' in input ? 'apiKey' : 's3Keys'].done);
    },
  });
  if (!settings.hasApiKey && !settings.hasS3Keys) return null;
  const store = settings.credentialStore;
  const where = store.kind === 'keychain' ? 'the OS keychain' : (store.path ?? 'the configuration file');
  return (
    <div className="stack-s">
      {asking === null ? (
        <div className="row">
          {settings.hasApiKey && (
            <button type="button" className="btn btn-small btn-danger" onClick={() => setAsking('apiKey')} data-testid="remove-api-key">
              {WORDS.apiKey.button}
            </button>
          )}
          {settings.hasS3Keys && (
            <button type="button" className="btn btn-small btn-danger" onClick={() => setAsking('s3Keys')} data-testid="remove-s3-keys">
              {WORDS.s3Keys.button}
            </button>
          )}
        </div>
      ) : (
        <div className="notice" data-tone="warning" role="alertdialog" aria-labelledby="remove-question" data-testid="remove-confirm">
          <div className="stack-s" style={{ flex: 1 }}>
            <span className="notice-title" id="remove-question">
              Remove {WORDS[asking].noun}?
            </span>
            <span>
              It is deleted from {where}. To use the account again you will need to enter{' '}
              {asking === 'apiKey' ? 'the key' : 'the keys'} from your Massive dashboard.
            </span>
            <div className="row">
              <button
                type="button"
                className="btn btn-small btn-danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate(asking === 'apiKey' ? { apiKey: null } : { s3AccessKeyId: null, s3SecretAccessKey: null })}
                data-testid="remove-confirm-yes"
              >
                {remove.isPending ? 'Removing…' : WORDS[asking].button}
              </button>
              {/* Keeping is the safe default, so it takes focus first. */}
              <button type="button" className="btn btn-small" onClick={() => setAsking(null)} autoFocus data-testid="remove-confirm-no">
                Keep {asking === 'apiKey' ? 'it' : 'them'}
              </button>
            </div>
          </div>
        </div>
      )}
      {remove.isError && <ErrorNotice error={remove.error} title="The credentials could not be removed" />}
    </div>
  );
}
