import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, logFileFor } from '../../../core/log/logger.ts';

describe('createLogger', () => {
  it('writes structured JSON lines under logs/ with secrets redacted by key and by value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-log-'));
    try {
      const logger = createLogger({ level: 'info', logsDir: dir, secrets: ['hunter2-secret'], name: 'test' });
      logger.info({ dataset: 'stocks_daily', apiKey: 'abc', s3: { secretAccessKey: 'xyz' } }, 'downloaded with hunter2-secret');
      logger.debug('not at this level');
      const lines = fs.readFileSync(logFileFor(dir), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 30, name: 'test', dataset: 'stocks_daily', apiKey: '***', s3: { secretAccessKey: '***' }, msg: 'downloaded with ***' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
