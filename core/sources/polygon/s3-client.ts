import crypto from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Access } from './flat-file-source.ts';

/**
 * An S3 client for flat files. Path-style addressing (Massive, the simulator and s3rver all serve
 * the bucket in the path), checksums only when required (flexible checksums break S3-compatible
 * servers), and no SDK retries: the downloader classifies errors and backs off itself.
 */
export function createS3Client(access: S3Access): S3Client {
  return new S3Client({
    endpoint: access.endpoint,
    region: access.region,
    forcePathStyle: true,
    credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    // An idle socket for a minute means a stalled transfer: fail it and let the retry policy decide.
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 60_000 },
  });
}

// Clients hold a socket pool; reusing one per (endpoint, key) lets a run of many days share it.
const shared = new Map<string, S3Client>();

/** A process-wide client for an access (same endpoint, bucket and key id share one socket pool). */
export function sharedS3Client(access: S3Access): S3Client {
  // Keyed by a digest so the map never holds a readable copy of the secret.
  const key = crypto.createHash('sha256').update(JSON.stringify([access.endpoint, access.region, access.accessKeyId, access.secretAccessKey])).digest('hex');
  let client = shared.get(key);
  if (!client) {
    client = createS3Client(access);
    shared.set(key, client);
  }
  return client;
}

/** Closes every shared client's sockets (end of a CLI run, or tests). */
export function destroySharedS3Clients(): void {
  for (const c of shared.values()) c.destroy();
  shared.clear();
}
