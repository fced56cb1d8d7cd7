import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isSecretKey, loadConfig, REDACTED, redactSettings, userConfigPath, writeUserTemplate } from '../../config/index.ts';
import { createCliContext, globalOptions } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';

function flatten(value: unknown, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

/** `quantmini config show|path|init`. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('show, locate or create the configuration');

  config
    .command('show')
    .description('print the effective configuration with where each value came from (secrets as ***)')
    .action((_opts, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const settings = redactSettings(ctx.config.settings);
      const rows = flatten(settings).map(([key, value]) => ({
        key,
        value: isSecretKey(key) && value ? REDACTED : value,
        source: ctx.config.sources[key] ?? 'default',
      }));
      if (ctx.json) {
        ctx.printJson({
          profile: ctx.config.profile,
          userFile: ctx.config.userFile,
          userFileExists: ctx.config.userFileExists,
          source: { kind: ctx.source.kind, dataRoot: ctx.source.dataRoot },
          settings,
          sources: Object.fromEntries(rows.map((r) => [r.key, r.source])),
        });
        return;
      }
      const width = Math.max(...rows.map((r) => r.key.length));
      ctx.print(`# user file: ${ctx.config.userFile}${ctx.config.userFileExists ? '' : ' (not created yet)'}`);
      if (ctx.config.profile) ctx.print(`# profile: ${ctx.config.profile}`);
      ctx.print(`# source: ${ctx.source.kind} (lake ${ctx.source.dataRoot})`);
      for (const r of rows) ctx.print(`${r.key.padEnd(width)}  ${JSON.stringify(r.value)}  [${r.source}]`);
    });

  config
    .command('path')
    .description('print the path of the user configuration file')
    .action((_opts, cmd: Command) => {
      const opts = globalOptions(cmd);
      const file = opts.config ?? process.env.QUANTMINI_CONFIG ?? userConfigPath();
      if (opts.json) process.stdout.write(`${JSON.stringify({ path: file, exists: fs.existsSync(file) })}\n`);
      else process.stdout.write(`${file}\n`);
    });

  config
    .command('init')
    .description('create a commented user configuration file (refuses to overwrite one)')
    .option('--force', 'overwrite an existing file')
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      const file = g.config ?? process.env.QUANTMINI_CONFIG ?? userConfigPath();
      if (fs.existsSync(file) && !opts.force) throw new CliError(`${file} already exists (use --force to overwrite)`);
      await writeUserTemplate(file);
      // Validate what we just wrote so a broken template can never ship silently.
      loadConfig({ config: file });
      if (g.json) process.stdout.write(`${JSON.stringify({ path: file, created: true })}\n`);
      else process.stdout.write(`created ${path.resolve(file)}\n`);
    });
}
