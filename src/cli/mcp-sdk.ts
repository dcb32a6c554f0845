/**
 * The MCP server's SDK (@modelcontextprotocol/sdk, with its web stack: express, hono, zod, ...) is an
 * optional peer dependency: `npm install retest-connectors` brings what running actions needs, and only
 * those who serve MCP install the SDK next to it. `mcp` checks for it before anything starts and, when it
 * is missing, says how to install it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../contract/package-root.js';
import { UsageError } from './errors.js';

export const MCP_SDK = '@modelcontextprotocol/sdk';

/** The range package.json declares for the peer, e.g. "^1.32.2". */
export function mcpSdkRange(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
  return pkg.peerDependencies?.[MCP_SDK] ?? 'latest';
}

function isMissingSdk(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && error instanceof Error && error.message.includes(MCP_SDK);
}

/** Resolves when the SDK loads; a UsageError telling how to install it when it is not installed. */
export async function requireMcpSdk(): Promise<void> {
  try {
    await import('@modelcontextprotocol/sdk/server/index.js');
  } catch (error) {
    if (!isMissingSdk(error)) throw error;
    const spec = `${MCP_SDK}@${mcpSdkRange()}`;
    throw new UsageError(
      `The MCP server needs ${MCP_SDK}, an optional peer dependency that a plain install of retest-connectors leaves out. ` +
        `Install it next to retest-connectors: npm install '${spec}' (or run once: npx -p retest-connectors -p '${spec}' retest-connectors mcp).`,
      'mcp',
    );
  }
}
