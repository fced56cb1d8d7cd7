import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A reversible stand-in for the OS keychain encryption: the bytes on disk must not contain the secret.
const safeStorage = vi.hoisted(() => ({
  available: true,
  isEncryptionAvailable: () => safeStorage.available,
  encryptString: (text: string) => Buffer.from([...Buffer.from(text, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (blob: Buffer) => Buffer.from([...blob].map((b) => b ^ 0x5a)).toString('utf8'),
}));
vi.mock('electron', () => ({ safeStorage }));

const { safeStorage: mocked } = await import('electron');
const { createSafeStorageSecretStore } = await import('../../../electron/safe-storage-secret-store.ts');

describe('safeStorage secret store (electron mocked)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-secrets-'));
    safeStorage.available = true;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts empty and round-trips credentials through an encrypted, owner-only file', async () => {
    const store = createSafeStorageSecretStore(mocked as never, dir);
    expect(await store.load()).toEqual({ apiKey: null, s3AccessKeyId: null, s3SecretAccessKey: null });
    const creds = { apiKey: 'key-123456', s3AccessKeyId: 'AKIAEXAMPLE', s3SecretAccessKey: 'very-secret-value' };
    await store.save(creds);
    const file = path.join(dir, 'credentials.bin');
    const raw = fs.readFileSync(file);
    expect(raw.toString('utf8')).not.toContain('very-secret-value');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await createSafeStorageSecretStore(mocked as never, dir).load()).toEqual(creds);
  });

  it('refuses to save when the keychain is unavailable', async () => {
    safeStorage.available = false;
    const store = createSafeStorageSecretStore(mocked as never, dir);
    await expect(store.save({ apiKey: 'k', s3AccessKeyId: null, s3SecretAccessKey: null })).rejects.toThrow(/keychain is not available/);
    expect(fs.existsSync(path.join(dir, 'credentials.bin'))).toBe(false);
  });
});
