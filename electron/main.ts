/**
 * Electron main process: a thin broker. It creates the one window (sandboxed, context-isolated,
 * no Node), serves the renderer on app://, registers the contract's channels from the single
 * allowlist, forwards backend events once the renderer is ready, and hosts the backend with the
 * utility-process launcher (jobs and the long-lived lake service run as utility processes).
 * Credentials are kept with safeStorage (the OS keychain).
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session, shell } from 'electron';
import { createAppBackend, lakeServiceConfig, type AppBackend } from '../core/app/app-backend.ts';
import { effectiveSource, loadConfig, secretValues } from '../core/config/index.ts';
import { EVENT_CHANNEL } from '../core/contract/bridge.ts';
import { createLakeServiceClient } from '../core/lake-service/lake-service-client.ts';
import { userStateDir } from '../core/config/state-dir.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';
import { createLogger } from '../core/log/logger.ts';
import { APP_INDEX_URL, APP_ORIGIN, handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { createEventQueue } from './event-queue.ts';
import { registerContractChannels, trustedUrlCheck } from './ipc-bridge.ts';
import { createRunNotifier } from './run-notifier.ts';
import { createSafeStorageSecretStore } from './safe-storage-secret-store.ts';
import { createSaveExportPicker } from './save-export-dialog.ts';
import { createUtilityProcessLauncher } from './utility-process-launcher.ts';
import { denyAllPermissions, hardenWebContents } from './window-security.ts';

// Set in development by whoever runs Vite's dev server; packaged builds load app://.
const devServerUrl = process.env.QUANTMINI_DEV_SERVER_URL;
const isTrustedUrl = trustedUrlCheck(APP_ORIGIN, devServerUrl);

// One app per user: a second launch focuses the first window instead of opening a second backend.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

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

async function start(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(session.defaultSession);
  handleAppProtocol(protocol, path.join(app.getAppPath(), 'dist', 'renderer'));

  const config = loadConfig();
  const source = effectiveSource(config);
  const logger = createLogger({
    level: config.settings.logging.level,
    logsDir: lakePaths(source.dataRoot).logsDir,
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

  let win: BrowserWindow | null = createWindow();
  backend = await createAppBackend({
    config,
    launcher,
    lakeService,
    host: 'electron',
    secrets: createSafeStorageSecretStore(safeStorage, app.getPath('userData')),
    workerEntry: path.join(__dirname, 'job-worker.cjs'),
    stateDir: userStateDir(),
    version: app.getVersion(),
    logger,
    pickFolder: async () => {
      const options = { title: 'Choose the folder for the lake', properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    pickSaveFile: createSaveExportPicker(dialog, () => win, app.getPath('downloads')),
  });

  const queue = createEventQueue((event) => {
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  backend.events.subscribe((event) => queue.push(event));
  // A finished or failed run is announced natively, also while the window is hidden or minimised.
  backend.events.subscribe(
    createRunNotifier({ isSupported: () => Notification.isSupported(), create: (o) => new Notification(o) }, () => {
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
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  win.on('closed', () => {
    win = null;
  });
  await win.loadURL(devServerUrl ?? APP_INDEX_URL);
}

app.on('window-all-closed', () => app.quit());

app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  // Stop the run (its jobs and the lake lock) and the lake service before the process goes.
  event.preventDefault();
  quitting = true;
  const b = backend;
  void b.close().finally(() => app.exit(0));
});

if (primary) {
  start().catch((err: unknown) => {
    dialog.showErrorBox('QuantMini could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
