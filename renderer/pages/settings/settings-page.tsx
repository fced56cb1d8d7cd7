/**
 * Settings: data root, account and credentials, plan, datasets, concurrency, memory thresholds and
 * appearance. Input is checked as it is typed with the contract's schema; secrets are write-only
 * (the page only ever learns whether each is configured). Values a start-up flag or environment
 * variable forces for this run are named next to their field, and Save writes only what changed.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { SettingOverrideView, SettingsView, SystemProfileView } from '../../../core/contract/contract-views.ts';
import { PLAN_NAMES } from '../../../core/config/config-schema.ts';
import { isContractFailure } from '../../api/contract-client.ts';
import { contractKey, useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import type { Route } from '../../app/hash-route.ts';
import { Badge } from '../../components/badge.tsx';
import { Card, PageHeader } from '../../components/card.tsx';
import { ErrorNotice, Loading } from '../../components/feedback.tsx';
import { useToast } from '../../components/toast.tsx';
import { humanize } from '../../lib/format.ts';
import { changedPayload, credentialsPayload, formFromSettings, validateSettingsForm } from '../../lib/settings-form.ts';
import type { CredentialsForm, SettingsField, SettingsForm } from '../../lib/settings-form.ts';
import { AppearanceCard } from './appearance-card.tsx';
import { ConnectionTest } from './connection-test.tsx';
import { RemoveCredentials } from './remove-credentials.tsx';
import { ScheduleSettingsCard } from './schedule-settings-card.tsx';
import { SelectField, TextField } from './form-fields.tsx';

const EMPTY_CREDENTIALS: CredentialsForm = { apiKey: '', s3AccessKeyId: '', s3SecretAccessKey: '' };

const SOURCE_OPTIONS = [
  { value: 'auto', label: 'Automatic: Massive when credentials are set, otherwise demo' },
  { value: 'massive', label: 'Massive (Polygon.io) account' },
  { value: 'demo', label: 'Demo: the built-in market simulator' },
] as const;

const SOURCE_NAMES: Record<string, string> = { auto: 'Automatic', demo: 'Demo', massive: 'Massive' };
const NO_KEYCHAIN = 'The web host has no access to an OS keychain; the desktop app keeps them encrypted with it instead.';

function sameForm(a: SettingsForm, b: SettingsForm): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The notice beside a field that a start-up flag or environment variable overrides for this run. */
function OverrideNotice({ override, children }: { override: SettingOverrideView; children: ReactNode }) {
  return (
    <span className="override-note" data-testid={`override-${override.field}`}>
      <strong>Overridden for this run</strong> by {override.by}. {children}
    </span>
  );
}

function SettingsEditor({ settings, profile, webHost }: { settings: SettingsView; profile: SystemProfileView | undefined; webHost: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const saved = useMemo(() => formFromSettings(settings), [settings]);
  const [form, setForm] = useState<SettingsForm>(saved);
  const [credentials, setCredentials] = useState<CredentialsForm>(EMPTY_CREDENTIALS);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [pickRefused, setPickRefused] = useState(false);
  const pickerUnavailable = webHost || pickRefused;
  const formRef = useRef<HTMLFormElement>(null);

  const { errors } = validateSettingsForm(form);
  const cred = credentialsPayload(credentials, settings.hasS3Keys);
  const dirty = !sameForm(form, saved) || cred.payload !== null || Object.keys(cred.errors).length > 0;
  const shown = (field: string): string | undefined => (submitted || touched.has(field) ? ((errors as Record<string, string>)[field] ?? (cred.errors as Record<string, string>)[field]) : undefined);

  const update = useContractMutation('settings.update');
  const setCreds = useContractMutation('settings.setCredentials');
  const override = (field: SettingOverrideView['field']) => settings.overrides.find((o) => o.field === field);
  const sourceOverride = override('source');
  const rootOverride = override('dataRoot');
  const keyOverrides = settings.overrides.filter((o) => o.field === 'apiKey' || o.field === 's3Keys');
  const pick = useContractMutation('settings.pickDataRoot', {
    onSuccess: (r) => {
      if (r.path) setForm((f) => ({ ...f, dataRoot: r.path as string }));
    },
    onError: (err) => {
      if (isContractFailure(err, 'unavailable')) setPickRefused(true);
    },
  });
  const saving = update.isPending || setCreds.isPending;

  const set = <K extends SettingsField>(field: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  };
  const setCred = (field: keyof CredentialsForm, value: string) => {
    setCredentials((c) => ({ ...c, [field]: value }));
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  };

  const save = async () => {
    setSubmitted(true);
    const result = validateSettingsForm(form);
    if (!result.payload || Object.keys(cred.errors).length > 0) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    try {
      let view = await update.mutateAsync(changedPayload(form, saved));
      if (cred.payload) view = await setCreds.mutateAsync(cred.payload);
      qc.setQueryData(contractKey('settings.get', {}), view);
      setForm(formFromSettings(view));
      setCredentials(EMPTY_CREDENTIALS);
      setTouched(new Set());
      setSubmitted(false);
      toast('Settings saved');
    } catch {
      // The mutation's error is rendered below the form.
    }
  };

  const numberField = (field: 'downloads' | 'ingestWorkers' | 'duckdbThreads', label: string, recommended: number | undefined) => (
    <TextField
      id={`settings-${field}`}
      label={label}
      inputMode="numeric"
      value={form[field]}
      placeholder={recommended !== undefined ? `Automatic (${recommended})` : 'Automatic'}
      onChange={(e) => set(field, e.target.value)}
      error={shown(field)}
    />
  );

  return (
    <form
      ref={formRef}
      className="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      aria-label="Settings"
    >
      <Card title="Lake" headingId="lake-settings-heading" description="Where the lake lives and where its data comes from.">
        <div className="stack">
          <TextField
            id="settings-dataRoot"
            label="Data root"
            value={form.dataRoot}
            onChange={(e) => set('dataRoot', e.target.value)}
            error={shown('dataRoot')}
            spellCheck={false}
            hint={
              rootOverride ? (
                <OverrideNotice override={rootOverride}>
                  This run uses <code>{rootOverride.value}</code>; the data root below applies when QuantMini starts without it.
                </OverrideNotice>
              ) : pickerUnavailable ? (
                'Type the folder path: choosing a folder with a dialog is only available in the desktop app.'
              ) : settings.mode === 'demo' ? (
                `Demo data is kept separately in ${settings.demoDataRoot}.`
              ) : (
                'A folder on a volume with room for the datasets you enable.'
              )
            }
            after={
              <button type="button" className="btn" onClick={() => pick.mutate({})} disabled={pickerUnavailable || pick.isPending} data-testid="choose-data-root" title={pickerUnavailable ? 'Only available in the desktop app' : undefined}>
                Choose…
              </button>
            }
          />
          {pick.isError && !isContractFailure(pick.error, 'unavailable') && <ErrorNotice error={pick.error} title="The folder could not be chosen" />}
          <SelectField
            id="settings-source"
            label="Data source"
            value={form.source}
            options={SOURCE_OPTIONS}
            onChange={(v) => set('source', v as SettingsForm['source'])}
            hint={
              sourceOverride ? (
                <OverrideNotice override={sourceOverride}>
                  This run uses {settings.mode === 'demo' ? 'demo data' : 'your Massive account'} (source{' '}
                  {SOURCE_NAMES[sourceOverride.value ?? ''] ?? sourceOverride.value}); the choice here is what is saved and applies when
                  QuantMini starts without the flag.
                </OverrideNotice>
              ) : (
                `Currently using ${settings.mode === 'demo' ? 'demo data' : 'your Massive account'}.`
              )
            }
          />
        </div>
      </Card>

      <Card
        title="Account"
        headingId="account-heading"
        description="Massive (Polygon.io) credentials. They are never shown again; leave a field empty to keep its current value."
        testId="account-card"
      >
        <div className="stack">
          <p className="credential-store" data-testid="credential-store">
            <strong>Where they are kept:</strong> {settings.credentialStore.description}.
            {webHost && settings.credentialStore.kind === 'config-file' && ` ${NO_KEYCHAIN}`}
          </p>
          {keyOverrides.map((o) => (
            <div key={o.field} className="notice" data-tone="info" data-testid={`override-${o.field}`}>
              <span>
                <strong>Overridden for this run</strong> by {o.by}: {o.field === 'apiKey' ? 'that API key is' : 'those S3 keys are'} used
                instead of the saved {o.field === 'apiKey' ? 'one' : 'ones'}.
              </span>
            </div>
          ))}
          <div className="form-grid form-grid-plan">
            <SelectField id="settings-plan" label="Plan" value={form.plan} options={PLAN_NAMES.map((p) => ({ value: p, label: humanize(p) }))} onChange={(v) => set('plan', v)} hint="Sets the REST rate limit and which datasets are expected." />
            <TextField id="settings-s3Endpoint" label="Flat-file endpoint" value={form.s3Endpoint} onChange={(e) => set('s3Endpoint', e.target.value)} error={shown('s3Endpoint')} spellCheck={false} />
          </div>
          <div className="form-grid">
            <TextField
              id="settings-apiKey"
              label="API key"
              type="password"
              autoComplete="off"
              value={credentials.apiKey}
              onChange={(e) => setCred('apiKey', e.target.value)}
              error={shown('apiKey')}
              placeholder={settings.hasApiKey ? 'Configured — type to replace' : 'Not set'}
              hint={<CredentialState configured={settings.hasApiKey} testId="api-key-state" />}
            />
            <TextField
              id="settings-s3AccessKeyId"
              label="S3 access key id"
              type="password"
              autoComplete="off"
              value={credentials.s3AccessKeyId}
              onChange={(e) => setCred('s3AccessKeyId', e.target.value)}
              error={shown('s3AccessKeyId')}
              placeholder={settings.hasS3Keys ? 'Configured — type to replace' : 'Not set'}
              hint={<CredentialState configured={settings.hasS3Keys} testId="s3-keys-state" />}
            />
            <TextField
              id="settings-s3SecretAccessKey"
              label="S3 secret access key"
              type="password"
              autoComplete="off"
              value={credentials.s3SecretAccessKey}
              onChange={(e) => setCred('s3SecretAccessKey', e.target.value)}
              error={shown('s3SecretAccessKey')}
              placeholder={settings.hasS3Keys ? 'Configured — type to replace' : 'Not set'}
            />
          </div>
          <RemoveCredentials settings={settings} />
          <ConnectionTest />
        </div>
      </Card>

      <Card title="Datasets" headingId="datasets-heading" description="Which datasets updates and backfills fetch.">
        <fieldset className="checkbox-list" aria-describedby={shown('datasetsEnabled') ? 'datasets-error' : undefined}>
          <legend className="visually-hidden">Enabled datasets</legend>
          {settings.datasetsAvailable.map((d) => (
            <label key={d.id} className="checkbox">
              <input
                type="checkbox"
                checked={form.datasetsEnabled.includes(d.id)}
                data-testid={`dataset-toggle-${d.id}`}
                onChange={(e) =>
                  set(
                    'datasetsEnabled',
                    e.target.checked
                      ? settings.datasetsAvailable.map((x) => x.id).filter((id) => id === d.id || form.datasetsEnabled.includes(id))
                      : form.datasetsEnabled.filter((id) => id !== d.id),
                  )
                }
              />
              <span className="checkbox-text">
                <span>{d.title}</span>
                <code className="muted">{d.id}</code>
              </span>
            </label>
          ))}
        </fieldset>
        {shown('datasetsEnabled') && (
          <p className="field-error" id="datasets-error" style={{ marginTop: 8 }}>
            {shown('datasetsEnabled')}
          </p>
        )}
      </Card>

      <Card title="Performance" headingId="performance-heading" description="Leave a field empty to let QuantMini choose for this machine (shown in grey).">
        <div className="form-grid">
          {numberField('downloads', 'Parallel downloads', profile?.recommended.downloads)}
          {numberField('ingestWorkers', 'Ingest workers', profile?.recommended.ingestWorkers)}
          {numberField('duckdbThreads', 'DuckDB threads', profile?.recommended.duckdbThreads)}
          <TextField
            id="settings-duckdbMemoryLimit"
            label="DuckDB memory limit"
            value={form.duckdbMemoryLimit}
            placeholder={profile ? `Automatic (${profile.recommended.duckdbMemoryLimit})` : 'Automatic'}
            onChange={(e) => set('duckdbMemoryLimit', e.target.value)}
            error={shown('duckdbMemoryLimit')}
            hint='A size such as "2GB" or "512MiB".'
            spellCheck={false}
          />
        </div>
      </Card>

      <Card title="Memory thresholds" headingId="memory-thresholds-heading" description="When memory pressure counts as warning or critical; past critical for the grace period, the largest job is stopped and retried later.">
        <div className="form-grid">
          <TextField id="settings-warningPercent" label="Warning at (%)" inputMode="decimal" value={form.warningPercent} onChange={(e) => set('warningPercent', e.target.value)} error={shown('warningPercent')} />
          <TextField id="settings-criticalPercent" label="Critical at (%)" inputMode="decimal" value={form.criticalPercent} onChange={(e) => set('criticalPercent', e.target.value)} error={shown('criticalPercent')} />
          <TextField id="settings-criticalGraceSeconds" label="Grace period (seconds)" inputMode="decimal" value={form.criticalGraceSeconds} onChange={(e) => set('criticalGraceSeconds', e.target.value)} error={shown('criticalGraceSeconds')} />
        </div>
      </Card>

      <ScheduleSettingsCard desktop={!webHost} />

      <AppearanceCard />

      <div className="save-bar" data-dirty={dirty}>
        {(update.isError || setCreds.isError) && <ErrorNotice error={update.error ?? setCreds.error} title="The settings were not saved" />}
        <div className="row">
          <span className="muted" style={{ fontSize: 'var(--text-s)' }}>
            {dirty ? 'You have unsaved changes.' : `Saved in ${settings.userFile}`}
          </span>
          <span className="spacer" />
          <button
            type="button"
            className="btn"
            disabled={!dirty || saving}
            onClick={() => {
              setForm(saved);
              setCredentials(EMPTY_CREDENTIALS);
              setTouched(new Set());
              setSubmitted(false);
            }}
          >
            Discard changes
          </button>
          <button type="submit" className="btn btn-primary" disabled={!dirty || saving} data-testid="save-settings">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </form>
  );
}

function CredentialState({ configured, testId }: { configured: boolean; testId: string }) {
  return (
    <Badge tone={configured ? 'success' : 'neutral'} testId={testId}>
      {configured ? 'Configured' : 'Not configured'}
    </Badge>
  );
}

/** The Settings page. */
export function SettingsPage({ route }: { route?: Route }) {
  const settings = useContractQuery('settings.get', {});
  const profile = useContractQuery('system.profile', {});
  const info = useContractQuery('app.info', {});
  const section = route?.params[0] ?? null;
  const loaded = Boolean(settings.data);
  // `#/settings/account` ("Connect an account") opens on the Account card, its first field focused.
  useEffect(() => {
    if (section !== 'account' || !loaded) return;
    document.querySelector('[data-testid="account-card"]')?.scrollIntoView({ block: 'start' });
    document.getElementById('settings-apiKey')?.focus({ preventScroll: true });
  }, [section, loaded]);
  return (
    <div className="page settings-page">
      <PageHeader title="Settings" description="Changes apply to the next run; a running update keeps the settings it started with." />
      {settings.isPending && <Loading />}
      {settings.isError && <ErrorNotice error={settings.error} title="Settings could not be read" />}
      {settings.data && <SettingsEditor key={settings.data.userFile} settings={settings.data} profile={profile.data} webHost={info.data?.host === 'web'} />}
    </div>
  );
}
