// Every client the benchmark compares, each posting the same bytes to the
// same loopback server and returning { status_code, json_body }:
//   raw     node:http with a keep-alive agent (the floor)
//   undici  undici's request() with a keep-alive Agent (the best Node client)
//   got     got 14 used plainly (one extended instance, keep-alive, no retry)
//   axios   axios with a keep-alive agent (what n8n and Pipedream use), handed
//           the JS object to post as JSON, as their HTTP steps do (the bundle
//           too gets an object: the action's input)
//   bundle  this package's runAction (dist/), input and connection checked on every call
// Python requests runs in its own process (bench/python-client.py).
import axios from 'axios';
import http from 'node:http';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { BENCH_CONNECTION, BENCH_INPUT, plainGotClient, rawPost } from './raw-client.mjs';

export const CLIENTS = ['raw', 'undici', 'got', 'axios', 'bundle'];

const body = JSON.stringify(BENCH_INPUT.json_body);
const authorization = 'Basic ' + Buffer.from(`${BENCH_CONNECTION.user_id}:${BENCH_CONNECTION.api_token}`).toString('base64');
const headers = { 'content-type': 'application/json', authorization, accept: 'application/json' };

/** A function that makes one call with `name`, and a close() for its sockets. */
export async function makeClient(name, port) {
  const url = `http://127.0.0.1:${port}/api/1.0/scans/retest`;
  switch (name) {
    case 'raw': {
      const agent = new http.Agent({ keepAlive: true });
      return { call: () => rawPost(agent, port), close: () => agent.destroy() };
    }
    case 'undici': {
      const dispatcher = new UndiciAgent({ keepAliveTimeout: 30_000 });
      return {
        call: async () => {
          const res = await undiciRequest(url, { method: 'POST', headers, body, dispatcher });
          return { status_code: res.statusCode, json_body: await res.body.json() };
        },
        close: () => dispatcher.close(),
      };
    }
    case 'got':
      return { call: plainGotClient(port), close: () => {} };
    case 'axios': {
      const agent = new http.Agent({ keepAlive: true });
      const client = axios.create({ httpAgent: agent, validateStatus: () => true, headers, responseType: 'json' });
      return {
        call: async () => {
          const res = await client.post(url, BENCH_INPUT.json_body);
          return { status_code: res.status, json_body: res.data };
        },
        close: () => agent.destroy(),
      };
    }
    case 'bundle': {
      const { runAction } = await import('../dist/src/index.js');
      const connection = { ...BENCH_CONNECTION, url: `http://127.0.0.1:${port}` };
      return { call: () => runAction('invicti_scan_retest', BENCH_INPUT, connection), close: () => {} };
    }
    default:
      throw new Error(`unknown client ${name}`);
  }
}
