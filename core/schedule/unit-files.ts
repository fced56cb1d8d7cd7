/**
 * The text of the files that make the OS run scheduled updates with the app closed: a launchd
 * agent plist on macOS, a systemd user service and timer on Linux. Both fire every hour at the
 * schedule's minute; the command they run decides whether this firing updates (see
 * schedule-decision.ts), so New York time, daylight saving and retries need nothing from the OS.
 */

/** launchd label, systemd unit stem. */
export const SCHEDULE_LABEL = 'dev.quantmini.update';
export const SYSTEMD_UNIT = 'quantmini-update';

/** What every unit file needs: the command (absolute program first) and the minute past each hour. */
export interface ScheduledCommand {
  programArguments: readonly string[];
  minute: number;
  /** Working folder of the command (the checkout or the app). */
  workingDirectory: string;
  /** Extra environment for the command (no secrets: those stay in the keychain or the user config file). */
  environment?: Readonly<Record<string, string>>;
}

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** The launchd agent (~/Library/LaunchAgents/dev.quantmini.update.plist); `logFile` takes stdout and stderr. */
export function launchdPlist(cmd: ScheduledCommand, logFile: string): string {
  const args = cmd.programArguments.map((a) => `    <string>${xml(a)}</string>`).join('\n');
  const env = Object.entries(cmd.environment ?? {})
    .map(([k, v]) => `    <key>${xml(k)}</key>\n    <string>${xml(v)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${SCHEDULE_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>WorkingDirectory</key>
  <string>${xml(cmd.workingDirectory)}</string>
  <key>StartCalendarInterval</key>
  <dict>
    <key>Minute</key>
    <integer>${cmd.minute}</integer>
  </dict>
  <key>EnvironmentVariables</key>
  <dict>
${env}
  </dict>
  <key>ProcessType</key>
  <string>Background</string>
  <key>LowPriorityIO</key>
  <true/>
  <key>RunAtLoad</key>
  <false/>
  <key>StandardOutPath</key>
  <string>${xml(logFile)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(logFile)}</string>
</dict>
</plist>
`;
}

/** Quotes one argument for a systemd ExecStart= line (systemd's own quoting, not a shell's). */
function systemdQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg.replaceAll('%', '%%');
  return `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%').replaceAll('$', '$$')}"`;
}

/** The systemd user service and timer ($XDG_CONFIG_HOME/systemd/user/quantmini-update.{service,timer}). */
export function systemdUnits(cmd: ScheduledCommand): { service: string; timer: string } {
  const env = Object.entries(cmd.environment ?? {}).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}\n`).join('');
  const service = `[Unit]
Description=QuantMini scheduled lake update
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
WorkingDirectory=${systemdQuote(cmd.workingDirectory)}
${env}ExecStart=${cmd.programArguments.map(systemdQuote).join(' ')}
Nice=10
IOSchedulingClass=idle
# EX_TEMPFAIL (another writer holds the lake) is not a failure of the unit: the next hour retries.
SuccessExitStatus=75
`;
  const timer = `[Unit]
Description=QuantMini scheduled lake update (hourly check; updates once per trading day)

[Timer]
OnCalendar=*-*-* *:${String(cmd.minute).padStart(2, '0')}:00
Persistent=true
Unit=${SYSTEMD_UNIT}.service

[Install]
WantedBy=timers.target
`;
  return { service, timer };
}
