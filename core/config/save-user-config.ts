import fs from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { writeFileAtomic } from '../files/atomic-write.ts';

/** A change to one dotted key in the user file; `null` stores an explicit null, `undefined` removes the key. */
export interface ConfigChange {
  key: string;
  value: unknown;
}

/** Applies changes to the user config file, keeping its comments and layout, and writes it atomically. */
export async function saveUserConfig(file: string, changes: readonly ConfigChange[]): Promise<void> {
  const text = fs.existsSync(file) ? await fs.promises.readFile(file, 'utf8') : '';
  const doc = parseDocument(text);
  // An empty or comment-only file parses to no contents; start it from an empty block mapping.
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const { key, value } of changes) {
    const keyPath = key.split('.');
    // yaml's deleteIn throws when a parent key is absent; a key that is not there is already deleted.
    if (value === undefined) {
      if (doc.hasIn(keyPath)) doc.deleteIn(keyPath);
    } else {
      doc.setIn(keyPath, value);
    }
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, doc.toString(), { mode: 0o600 });
}

/** A commented starter user file for `quantmini config init`. */
export function userConfigTemplate(): string {
  return `# QuantMini user configuration. Keys here override config/default.yaml; see that file for every key.
# Environment variables (MASSIVE_API_KEY, MASSIVE_S3_ACCESS_KEY_ID, MASSIVE_S3_SECRET_ACCESS_KEY,
# QUANTMINI_DATA_ROOT) and command-line flags override this file.

# dataRoot: ~/QuantMiniLake
# massive:
#   apiKey: your-rest-api-key
#   plan: starter
#   s3:
#     accessKeyId: your-s3-access-key-id
#     secretAccessKey: your-s3-secret
# concurrency:
#   downloads: 4
#   duckdbMemoryLimit: 2GB
`;
}

/** Writes the starter user file (with owner-only permissions: it may come to hold secrets). */
export async function writeUserTemplate(file: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, userConfigTemplate(), { mode: 0o600 });
}
