import { startSimulatorServers, type RunningSimulator, type SimulatorServerOptions } from '../../../core/sources/simulator/simulator-servers.ts';
import type { S3Access } from '../../../core/sources/polygon/flat-file-source.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Starts the simulator on loopback with the real market and renderer. */
export async function startSim(options: SimulatorServerOptions): Promise<{ sim: RunningSimulator; access: S3Access }> {
  const sim = await startSimulatorServers(options);
  return { sim, access: { endpoint: sim.s3Endpoint, bucket: sim.bucket, region: 'us-east-1', accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey } };
}
