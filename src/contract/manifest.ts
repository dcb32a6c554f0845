/**
 * connector.json, loaded once. The manifest is the contract platforms read; the
 * runtime reads the same file, so what is declared is what runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorError } from './errors.js';
import type { Action, Connection, ConnectorManifest } from '../generated/types.js';
import { packageRoot } from './package-root.js';

export type { Action as ActionDeclaration, Connection as ConnectionDeclaration, ConnectorManifest };

export const manifestPath = join(packageRoot, 'connector.json');
export const manifest: ConnectorManifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ConnectorManifest;

const actionsById = new Map(manifest.actions.map((a) => [a.id, a]));

export const actionIds: readonly string[] = manifest.actions.map((a) => a.id);

export function getAction(id: string): Action {
  const action = typeof id === 'string' ? actionsById.get(id) : undefined;
  if (!action) {
    throw new ConnectorError('UNKNOWN_ACTION', `Unknown action ${JSON.stringify(id)}. Known actions: ${actionIds.join(', ')}.`);
  }
  return action;
}

export function getConnection(id: string): Connection {
  const connection = manifest.connections[id];
  if (!connection) throw new Error(`connector.json: action refers to undeclared connection ${JSON.stringify(id)}`);
  return connection;
}
