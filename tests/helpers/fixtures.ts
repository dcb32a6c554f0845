import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

export function fixture<T = any>(path: string): T {
  return JSON.parse(readFileSync(join(packageRoot, 'tests/fixtures', path), 'utf8')) as T;
}

/** A seed's output example: the envelope the vendor really answered (seed 000) or documents (seed 003). */
export function seedEnvelope(actionId: string): {
  status_code: number;
  reason: string;
  response_headers: Record<string, string>;
  json_body: any;
} {
  const { _source, ...envelope } = fixture(`seeds/${actionId}.example.json`);
  return envelope;
}

export const GUID = 'af6d0ffd-529e-4056-b39f-b141021fae74';
export const PROJECT_ID = '66333e1d110ab5acf8a4354e';
export const VULN_ID = '6639508f50523053f459d29f';

export const invicti = { url: 'https://invicti.test', user_id: 'user-7d85ab71', api_token: 'tok-SECRET-9f3c' };
export const attackforge = { url: 'https://demo.attackforge.test', api_key: 'key-SECRET-41ab' };
export const basic = (user: string, token: string) => 'Basic ' + Buffer.from(`${user}:${token}`).toString('base64');
