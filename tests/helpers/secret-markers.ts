/**
 * Marker secrets for the leak tests: distinctive strings that must never show
 * up in any output, in any form the runtime may hold them (raw, Basic base64).
 */
export const USER = 'marker-user';
export const TOKEN = 'SECRET-TOKEN-MARKER-1';
export const KEY = 'SECRET-KEY-MARKER-2';
export const PROXY_PASSWORD = 'SECRET-PROXY-MARKER-3';
export const BASIC = Buffer.from(`${USER}:${TOKEN}`).toString('base64');
export const FORBIDDEN = [TOKEN, KEY, PROXY_PASSWORD, BASIC, 'MARKER'];
