import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { createAppBackend, lakeServiceConfig } from '../../app/app-backend.ts';
import { cliScheduledProgram } from '../../schedule/scheduled-command.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../../lake-service/lake-service-client.ts';
import { createNodeProcessLauncher } from '../../process/node-process-launcher.ts';
import { ensureRendererBuilt, rendererDistDir, repoRoot, withBuildLock } from '../../web-host/renderer-build.ts';
import { snapshotRenderer } from '../../web-host/renderer-snapshot.ts';
import { startWebHost } from '../../web-host/web-host.ts';
import { userStateDir } from '../../config/state-dir.ts';
import { createCliContext, globalOptions } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseNonNegativeInt } from '../cli-options.ts';

interface ServeOptions {
  port?: number;
  open?: boolean;
}

/** Opens a URL in the default browser; failures only cost the convenience. */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
  } catch {
    // No browser launcher on this machine: the printed URL still works.
  }
}

/**
 * `quantmini serve`: the desktop app's UI and contract in a browser, on 127.0.0.1 with a per-start
 * token. Runs until SIGINT/SIGTERM, then stops any run (its jobs, the lock), the lake service and
 * the server.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the app in a browser on 127.0.0.1 (prints the URL with its access token)')
    .option('--port <n>', 'port to listen on (default: any free port)', parseNonNegativeInt)
    .option('--open', 'open the URL in the default browser')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'read' });
      const g = globalOptions(cmd);
      const root = repoRoot();
      try {
        await ensureRendererBuilt(root, ctx.notice);
      } catch (err) {
        throw new CliError(`could not build the renderer: ${(err as Error).message}`);
      }
      // Copied under the build lock, so a build started by another host cannot be caught half-written.
      const renderer = await withBuildLock(root, async () => snapshotRenderer(rendererDistDir(root)));
      const launcher = createNodeProcessLauncher();
      const lakeService = createLakeServiceClient({
        launcher,
        entry: nodeLakeServiceEntry(),
        config: lakeServiceConfig(ctx.config.settings, ctx.source),
        onStatus: (message) => ctx.logger.warn(message),
      });
      const backend = await createAppBackend({
        config: ctx.config,
        configFlags: { config: g.config, profile: g.profile, dataRoot: g.dataRoot, source: g.source },
        launcher,
        lakeService,
        stateDir: userStateDir(),
        // Installed from the browser, the schedule runs this checkout's CLI, as `quantmini schedule install` would.
        scheduledProgram: () => cliScheduledProgram(g),
        host: 'web',
        logger: ctx.logger,
      });
      let host;
      try {
        host = await startWebHost({
          backend,
          rendererDir: renderer.dir,
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          onInternalError: (name, err) => ctx.logger.error({ request: name, err: (err as Error).stack ?? String(err) }, 'request failed'),
        });
      } catch (err) {
        await backend.close();
        renderer.dispose();
        const code = (err as NodeJS.ErrnoException).code;
        throw new CliError(code === 'EADDRINUSE' ? `port ${opts.port} is already in use (try --port 0 for any free port)` : (err as Error).message);
      }
      if (ctx.json) process.stdout.write(`${JSON.stringify({ url: host.url, port: host.port, token: host.token })}\n`);
      else ctx.print(`QuantMini web host: ${host.url}`);
      ctx.logger.info({ port: host.port }, 'web host started');
      if (opts.open) openInBrowser(host.url);

      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          ctx.notice(`${signal}: stopping (cancelling any run, closing the lake service)...`);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await host.close();
      await backend.close();
      renderer.dispose();
    });
}
