/**
 * connector.json and the schemas the page renders, embedded at build time by
 * scripts/build-palette.ts (esbuild `define`), so the page needs no server and
 * fetches nothing.
 */
import type { RJSFSchema } from '@rjsf/utils';
import type { ConnectorManifest } from '../../src/generated/types.js';

declare const PALETTE_BUNDLE: {
  manifest: ConnectorManifest;
  /** Schema path as connector.json names it -> the schema. */
  schemas: Record<string, RJSFSchema>;
  /** Connection id -> its secret fields, as src/runtime/auth.ts names them (computed at build time). */
  secretFields: Record<string, string[]>;
};

export const { manifest, schemas, secretFields } = PALETTE_BUNDLE;
