// The next steps the palette offers after a run (connector.json `next`): only after a success, a wait only once
// completed, and only with every field the step fills in known.
import { describe, expect, test } from '@jest/globals';
import { offeredSteps } from '../../palette/src/next-steps.js';
import { getAction } from '../../src/contract/manifest.js';

const SCAN = 'af6d0ffd-529e-4056-b39f-b141021fae74';
const NEW_SCAN = '0b5e3c2a-6f1d-4e8b-9a7c-2d4f6b8e0a13';

describe('offeredSteps', () => {
  test('a retest that created a scan: wait for it, its new id filled in', () => {
    const steps = offeredSteps(getAction('invicti_scan_retest'), { json_body: { BaseScanId: SCAN } }, { status_code: 201, json_body: { Id: NEW_SCAN } } as never);
    expect(steps.map((s) => [s.step.action, s.input])).toEqual([['invicti_scan_wait', { path_parameters: { id: NEW_SCAN } }]]);
  });

  test('a wait: its report once completed (the id from what was sent); nothing while pending or once ended', () => {
    const wait = getAction('invicti_scan_wait');
    const input = { path_parameters: { id: SCAN } };
    const envelope = (outcome: string) => ({ status_code: 200, json_body: { State: 'x' }, wait: { outcome } }) as never;
    expect(offeredSteps(wait, input, envelope('completed')).map((s) => [s.step.action, s.input])).toEqual([['invicti_scan_report', { parameters: { id: SCAN } }]]);
    expect(offeredSteps(wait, input, envelope('pending'))).toEqual([]);
    expect(offeredSteps(wait, input, envelope('ended'))).toEqual([]);
  });

  test('nothing after a non-2xx, nor when a source is missing or empty', () => {
    const retest = getAction('invicti_scan_retest');
    expect(offeredSteps(retest, {}, { status_code: 400, json_body: { Id: NEW_SCAN } } as never)).toEqual([]);
    expect(offeredSteps(retest, {}, { status_code: 201, json_body: {} } as never)).toEqual([]);
    expect(offeredSteps(retest, {}, { status_code: 201, json_body: { Id: '' } } as never)).toEqual([]);
    expect(offeredSteps(retest, {}, { status_code: 201, json_body: null } as never)).toEqual([]);
  });
});
