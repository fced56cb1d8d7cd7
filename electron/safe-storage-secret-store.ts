import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { writeFileAtomic } from '../core/files/atomic-write.ts';
import { emptyCredentials, type Credentials, type SecretStore } from '../core/app/secret-store.ts';

const KEYCHAIN = 'the OS keychain (Electron safeStorage: the macOS Keychain, Windows DPAPI or the Linux secret service)';

/**
 * Credentials encrypted with safeStorage (macOS Keychain, Windows DPAPI, libsecret/kwallet on
 * Linux) in one file under the app's userData folder. The file alone is useless without the
 * user's OS login, and the secrets never touch the YAML config.
 */
export function createSafeStorageSecretStore(safeStorage: SafeStorage, userDataDir: string): SecretStore {
  const file = path.join(userDataDir, 'credentials.bin');
  return {
    description: `encrypted with ${KEYCHAIN} in ${file}`,
    async load() {
      let blob: Buffer;
      try {
        blob = await fs.promises.readFile(file);
      } catch {
        return emptyCredentials();
      }
      if (!safeStorage.isEncryptionAvailable()) throw new Error('the OS keychain is not available, so saved credentials cannot be read');
      const parsed = JSON.parse(safeStorage.decryptString(blob)) as Partial<Credentials>;
      return { ...emptyCredentials(), ...parsed };
    },
    async save(credentials) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('the OS keychain is not available: credentials were not saved (set MASSIVE_* environment variables instead)');
      }
      const blob = safeStorage.encryptString(JSON.stringify(credentials));
      await fs.promises.mkdir(userDataDir, { recursive: true });
      await writeFileAtomic(file, blob, { mode: 0o600 });
    },
  };
}
