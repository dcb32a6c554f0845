/**
 * `--simulator` (mcp, palette): the built-in simulator on loopback, and every connection it plays pointed
 * at it with the demo credentials; a connection it does not play comes from the environment, as for `run`.
 */
import { manifest } from '../contract/manifest.js';
import { loadConnection } from './connection-file.js';

export interface SimulatorConnections {
  url: string;
  connections: Record<string, Record<string, unknown>>;
  /** What to tell the person on stderr (no secret in it). */
  lines: string[];
  close(): Promise<void>;
}

export async function simulatorConnections(env: Readonly<Record<string, string | undefined>>, command: string): Promise<SimulatorConnections> {
  const { startSimulator } = await import('../simulator/index.js');
  const simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
  const connections: Record<string, Record<string, unknown>> = {};
  const unplayed: string[] = [];
  for (const id of Object.keys(manifest.connections)) {
    const simulated = simulator.connections[id];
    if (simulated) connections[id] = { ...simulated };
    else {
      unplayed.push(id);
      connections[id] = await loadConnection(id, undefined, env, command);
    }
  }
  const lines = [`built-in simulator at ${simulator.url} (demo credentials) for ${Object.keys(connections).filter((id) => !unplayed.includes(id)).join(', ')}`];
  if (unplayed.length > 0) lines.push(`no simulator for ${unplayed.join(', ')}: ${unplayed.length > 1 ? 'their connections come' : 'its connection comes'} from the environment`);
  return { url: simulator.url, connections, lines, close: () => simulator.close() };
}
