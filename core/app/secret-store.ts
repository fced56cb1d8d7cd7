/**
 * Where the app keeps Massive/Polygon credentials. Electron stores them with the OS keychain
 * (safeStorage, electron/safe-storage-secret-store.ts); the web host has no keychain and writes
 * them to the user config file with owner-only permissions instead (config-credentials.ts).
 */

/** The three secrets; null means "not set". */
export interface Credentials {
  apiKey: string | null;
  s3AccessKeyId: string | null;
  s3SecretAccessKey: string | null;
}

/** A place credentials persist between runs. */
export interface SecretStore {
  /** Short description for the UI and logs, e.g. "OS keychain (safeStorage)". */
  readonly description: string;
  load(): Promise<Credentials>;
  save(credentials: Credentials): Promise<void>;
}

/** Credentials with nothing set. */
export function emptyCredentials(): Credentials {
  return { apiKey: null, s3AccessKeyId: null, s3SecretAccessKey: null };
}
