/**
 * Electron main process: a thin broker. It creates the one window (sandboxed, context-isolated,
 * no Node), serves the renderer on app://, registers the contract's channels from the single
 * allowlist, forwards backend events once the renderer is ready, and hosts the backend with the
 * utility-process launcher (jobs and the long-lived lake service run as utility processes).
 * Credentials are kept with safeStorage (the OS keychain). Started with `--scheduled-run` (the OS
 * schedule of the packaged app) it opens no window: it runs one scheduled firing and exits with
 * the CLI's exit codes (scheduled-run.ts); a firing started while the app is open is handed to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  type NotificationConstructorOptions,
} from 'electron';
import { createAppBackend, lakeServiceConfig, type AppBackend } from '../core/app/app-backend.ts';
import { effectiveSource, loadConfig, secretValues } from '../core/config/index.ts';
import { EVENT_CHANNEL } from '../core/contract/bridge.ts';
import { dispatchRequest } from '../core/contract/dispatch.ts';
import { createLakeServiceClient } from '../core/lake-service/lake-service-client.ts';
import type { LoadedConfig } from '../core/config/index.ts';
import { appScheduledProgram, scheduledNowArgument } from '../core/schedule/scheduled-command.ts';
import { userStateDir } from '../core/config/state-dir.ts';
import { userLogDir } from '../core/config/config-paths.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';
import { createLogger, type Logger } from '../core/log/logger.ts';
import { APP_INDEX_URL, APP_ORIGIN, handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { createEventQueue } from './event-queue.ts';
import { registerContractChannels, trustedUrlCheck } from './ipc-bridge.ts';
import { createRunNotifier } from './run-notifier.ts';
import { createSafeStorageSecretStore } from './safe-storage-secret-store.ts';
import { createSaveExportPicker } from './save-export-dialog.ts';
import { electronMenuBarApi, showMenuBar, type MenuBar } from './menu-bar.ts';
import { interactiveArgs, isScheduledRun, runScheduledFiring } from './scheduled-run.ts';
import { createUtilityProcessLauncher } from './utility-process-launcher.ts';
import { denyAllPermissions, hardenWebContents } from './window-security.ts';

// Set in development by whoever runs Vite's dev server; packaged builds load app://.
const devServerUrl = process.env.QUANTMINI_DEV_SERVER_URL;
const isTrustedUrl = trustedUrlCheck(APP_ORIGIN, devServerUrl);

const scheduled = isScheduledRun(process.argv);

// One app per user: a second launch focuses the first window instead of opening a second backend,
// and a scheduled firing started while the app is open is handed to it (its argv carries the flag).
const primary = app.requestSingleInstanceLock();
if (!primary) {
  if (scheduled) process.stdout.write('QuantMini is open: the scheduled update was handed to it\n');
  app.quit();
}

registerAppScheme(protocol);
// Every renderer the app ever creates is sandboxed, whatever its webPreferences say.
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isTrustedUrl, shell));

let backend: AppBackend | null = null;
let quitting = false;

function createWindow(): BrowserWindow {
  return new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    title: 'QuantMini',
    show: false,
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
}

const notifications = { isSupported: () => Notification.isSupported(), create: (o: NotificationConstructorOptions) => new Notification(o) };

/** Config, logger and backend, the same for the window and for a headless scheduled firing. */
async function createHostBackend(win: () => BrowserWindow | null): Promise<{ config: LoadedConfig; logger: Logger; backend: AppBackend }> {
  const config = loadConfig();
  const source = effectiveSource(config);
  const logger = createLogger({
    level: config.settings.logging.level,
    // Only a lake that is there gets the log: opening the app must not create the lake's folder (a
    // first run has not chosen it yet; an unplugged drive's lake would reappear on the boot disk).
    logsDir: fs.existsSync(source.dataRoot) ? lakePaths(source.dataRoot).logsDir : userLogDir(),
    secrets: secretValues(config.settings),
    name: 'electron-main',
  });
  const launcher = createUtilityProcessLauncher();
  const lakeService = createLakeServiceClient({
    launcher,
    entry: path.join(__dirname, 'lake-service.cjs'),
    config: lakeServiceConfig(config.settings, source),
    onStatus: (message) => logger.warn(message),
  });
  const created = await createAppBackend({
    config,
    launcher,
    lakeService,
    host: 'electron',
    secrets: createSafeStorageSecretStore(safeStorage, app.getPath('userData')),
    workerEntry: path.join(__dirname, 'job-worker.cjs'),
    stateDir: userStateDir(),
    version: app.getVersion(),
    logger,
    // Settings' "Install schedule" makes the OS start this binary headless (the app has no CLI inside).
    scheduledProgram: () =>
      appScheduledProgram({ execPath: process.execPath, appPath: app.getAppPath(), packaged: app.isPackaged, env: process.env }),
    pickFolder: async () => {
      const properties: Array<'openDirectory' | 'createDirectory'> = ['openDirectory', 'createDirectory'];
      const options = { title: 'Choose the folder for the lake', properties };
      const parent = win();
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    pickSaveFile: createSaveExportPicker(dialog, win, app.getPath('downloads')),
  });
  return { config, logger, backend: created };
}

/** One scheduled firing through `b`, deciding as of `--now=` when the arguments carry it. */
function fire(b: AppBackend, argv: readonly string[], onClick?: () => void): Promise<number> {
  const now = scheduledNowArgument(argv);
  const config = loadConfig();
  return runScheduledFiring({
    backend: b,
    notifications,
    stateDir: userStateDir(),
    at: config.settings.schedule.at,
    lakeRoot: effectiveSource(config).dataRoot,
    ...(now ? { now: () => now } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
    ...(onClick ? { onNotificationClick: onClick } : {}),
  });
}

/** Headless: no window, no Dock icon; one firing, then exit with its code (or reopen as the app when asked meanwhile). */
async function startScheduled(): Promise<void> {
  await app.whenReady();
  app.dock?.hide();
  let reopen = false;
  app.on('second-instance', (_event, argv) => {
    if (isScheduledRun(argv) || reopen) return;
    // Someone opened QuantMini during the firing: say so, and start the window once it has finished.
    reopen = true;
    const body = 'The window opens when the scheduled update has finished.';
    if (Notification.isSupported()) new Notification({ title: 'QuantMini is updating in the background', body }).show();
  });
  const { backend: b } = await createHostBackend(() => null);
  backend = b;
  const code = await fire(b, process.argv);
  quitting = true;
  await b.close();
  if (reopen) app.relaunch({ args: interactiveArgs(process.argv) });
  app.exit(code);
}

async function start(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(session.defaultSession);
  handleAppProtocol(protocol, path.join(app.getAppPath(), 'dist', 'renderer'));

  let win: BrowserWindow | null = createWindow();
  const created = await createHostBackend(() => win);
  const { logger } = created;
  backend = created.backend;

  const queue = createEventQueue((event) => {
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  backend.events.subscribe((event) => queue.push(event));
  // A finished or failed run is announced natively, also while the window is hidden or minimised.
  backend.events.subscribe(
    createRunNotifier(notifications, () => {
      if (win && !win.isDestroyed()) win.show();
    }),
  );
  registerContractChannels(ipcMain, {
    backend,
    isTrustedUrl,
    onReady: (event) => {
      if (win && event.sender === win.webContents) queue.markReady();
    },
    onInternalError: (name, err) => logger.error({ request: name, err: (err as Error).stack ?? String(err) }, 'request failed'),
  });

  // A reload (or a crashed renderer) must say "ready" again before events flow to it.
  win.webContents.on('did-start-loading', () => queue.reset());
  win.webContents.on('render-process-gone', (_e, details) => {
    queue.reset();
    logger.error({ reason: details.reason }, 'renderer process gone');
  });
  win.once('ready-to-show', () => win?.show());

  // The menu-bar item follows Settings (off by default): shown or removed whenever settings change.
  let menuBar: MenuBar | null = null;
  const b = backend;
  const syncMenuBar = async () => {
    const status = await dispatchRequest(b.handlers, 'schedule.status', {});
    const on = status.ok && (status.value as { menuBar: boolean }).menuBar;
    if (on && !menuBar) {
      menuBar = showMenuBar(electronMenuBarApi({ Tray, Menu, nativeImage }), b, {
        open: () => {
          win?.show();
          win?.focus();
        },
        onError: (message) => {
          if (Notification.isSupported()) new Notification({ title: 'The update did not start', body: message }).show();
        },
      });
    } else if (!on && menuBar) {
      menuBar.destroy();
      menuBar = null;
    }
  };
  void syncMenuBar();
  b.events.subscribe((event) => {
    if (event.name === 'settings.changed') void syncMenuBar();
  });
  let firing: Promise<void> | null = null;
  app.on('second-instance', (_event, argv) => {
    if (isScheduledRun(argv)) {
      // The OS schedule fired while the app is open: run it here (one at a time), leaving the window as it is.
      if (!firing && backend) {
        const b = backend;
        firing = fire(b, argv, () => win?.show())
          .then(
            () => undefined,
            (err: unknown) => logger.error({ err: (err as Error).message }, 'scheduled update handed to the app failed'),
          )
          .finally(() => {
            firing = null;
          });
      }
      return;
    }
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  win.on('closed', () => {
    win = null;
  });
  await win.loadURL(devServerUrl ?? APP_INDEX_URL);
}

// A headless firing has no windows and quits on its own when done.
app.on('window-all-closed', () => {
  if (!scheduled) app.quit();
});

app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  // Stop the run (its jobs and the lake lock) and the lake service before the process goes.
  event.preventDefault();
  quitting = true;
  const b = backend;
  void b.close().finally(() => app.exit(0));
});

if (primary && scheduled) {
  startScheduled().catch((err: unknown) => {
    console.error(`scheduled update could not start: ${err instanceof Error ? err.message : String(err)}`);
    app.exit(1);
  });
} else if (primary) {
  start().catch((err: unknown) => {
    dialog.showErrorBox('QuantMini could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
