// The baseline: what a hand-written client does with node:http and nothing
// else — post the same bytes with a keep-alive agent, collect the body, parse
// the JSON. The bundle's overhead is measured against this floor.
import got from 'got';
import http from 'node:http';

export const BENCH_INPUT = { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74' } };
export const BENCH_CONNECTION = { user_id: 'bench-user', api_token: 'bench-token' };

const body = Buffer.from(JSON.stringify(BENCH_INPUT.json_body));
const authorization = 'Basic ' + Buffer.from(`${BENCH_CONNECTION.user_id}:${BENCH_CONNECTION.api_token}`).toString('base64');

export function rawPost(agent, port) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/1.0/scans/retest',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Authorization: authorization, Accept: 'application/json' },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status_code: res.statusCode, json_body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A second reference point: got used plainly (one extended instance,
 * keep-alive agent, no retry), posting the same bytes. Whatever got itself
 * costs per call, no got-based client can go below this.
 */
export function plainGotClient(port) {
  const client = got.extend({
    agent: { http: new http.Agent({ keepAlive: true }) },
    retry: { limit: 0 },
    throwHttpErrors: false,
    headers: { 'content-type': 'application/json', authorization },
  });
  const url = `http://127.0.0.1:${port}/api/1.0/scans/retest`;
  return async () => {
    const res = await client.post(url, { body, responseType: 'json' });
    return { status_code: res.statusCode, json_body: res.body };
  };
}
