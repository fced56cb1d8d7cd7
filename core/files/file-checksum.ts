import crypto from 'node:crypto';
import fs from 'node:fs';

/** sha256 (hex) of a file's bytes, streamed: the checksum partition records keep of their source. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
