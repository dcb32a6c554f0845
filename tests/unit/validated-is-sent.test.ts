// Issue 18, defects 11 and 12: what is sent is what was validated (the input is cloned to plain JSON
// data once; that copy is validated and sent, so toJSON() or a getter cannot swap it), and a limit
// that is not a positive finite number (maxResponseBytes: NaN) is refused instead of removing the bound.
import { describe, expect, test } from '@jest/globals';
import { dryRun, runAction, type Transport, type TransportResponse } from '../../src/index.js';
import type { PreparedRequest } from '../../src/runtime/request.js';
import { GUID, invicti } from '../helpers/fixtures.js';

function recording(): Transport & { sent: PreparedRequest[]; limits: number[] } {
  const transport = {
    sent: [] as PreparedRequest[],
    limits: [] as number[],
    async send(request: PreparedRequest, _connection: unknown, options: { maxResponseBytes: number }): Promise<TransportResponse> {
      transport.sent.push(request);
      transport.limits.push(options.maxResponseBytes);
      return { statusCode: 201, statusMessage: 'Created', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{}') };
    },
  };
  return transport;
}

const OTHER = '11111111-2222-3333-4444-555555555555';

describe('defect 11: validated is what is sent', () => {
  test('a json_body whose toJSON() returns something else: what toJSON gives is validated (and refused), nothing is sent', async () => {
    const transport = recording();
    const body = Object.defineProperty({ BaseScanId: GUID }, 'toJSON', { value: () => ({ BaseScanId: 'not-a-guid', Injected: true }), enumerable: false });
    await expect(runAction('invicti_scan_retest', { json_body: body }, invicti, { transport })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      details: expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/json_body/) })]),
    });
    expect(transport.sent).toHaveLength(0);
  });

  test('a class instance with toJSON on its prototype: same', async () => {
    class Sneaky {
      BaseScanId = GUID;
      toJSON() {
        return { BaseScanId: GUID, Extra: 'x' };
      }
    }
    const transport = recording();
    await expect(runAction('invicti_scan_retest', { json_body: new Sneaky() }, invicti, { transport })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(transport.sent).toHaveLength(0);
  });

  test('a getter that answers differently on each read is read once: the value validated is the value sent', async () => {
    let reads = 0;
    const body = {
      get BaseScanId() {
        reads += 1;
        return reads === 1 ? GUID : OTHER;
      },
    };
    const transport = recording();
    await runAction('invicti_scan_retest', { json_body: body }, invicti, { transport });
    expect(reads).toBe(1);
    expect(transport.sent[0]!.body).toBe(JSON.stringify({ BaseScanId: GUID }));
  });

  test('a dry run shows the same plain data', () => {
    let reads = 0;
    const body = {
      get BaseScanId() {
        reads += 1;
        return reads === 1 ? GUID : OTHER;
      },
    };
    expect(dryRun('invicti_scan_retest', { json_body: body }, invicti).body).toBe(JSON.stringify({ BaseScanId: GUID }));
  });
});

describe('defect 12: maxResponseBytes must be a positive finite number', () => {
  test.each([NaN, Infinity, -Infinity, 0, -1, 1.5, '100' as unknown as number])('maxResponseBytes %p: CONFIG_INVALID naming the option, nothing sent', async (value) => {
    const transport = recording();
    await expect(runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti, { transport, maxResponseBytes: value })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: [expect.objectContaining({ field: 'options.maxResponseBytes' })],
    });
    expect(transport.sent).toHaveLength(0);
  });

  test.each([
    ['maxAttempts', NaN],
    ['maxAttempts', 0],
    ['baseDelayMs', -1],
    ['maxDelayMs', Infinity],
  ])('retry.%s %p: refused the same way', async (name, value) => {
    const transport = recording();
    await expect(runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti, { transport, retry: { [name]: value } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: [expect.objectContaining({ field: `options.retry.${name}` })],
    });
    expect(transport.sent).toHaveLength(0);
  });

  test('a positive whole number is the cap the transport gets', async () => {
    const transport = recording();
    await runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti, { transport, maxResponseBytes: 1234 });
    expect(transport.limits).toEqual([1234]);
  });
});
