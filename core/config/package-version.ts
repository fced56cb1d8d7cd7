import fs from 'node:fs';

/** The version from package.json (read once; the CLI runs from source, so there is no build-time constant). */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
