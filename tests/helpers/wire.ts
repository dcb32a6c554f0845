import nock from 'nock';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes as sent, before anything parses them. */
  body: string;
}

/** Records every request the scope answers, with the raw body. */
export function capture(scope: nock.Scope): CapturedRequest[] {
  const seen: CapturedRequest[] = [];
  scope.on('request', (req: any, _interceptor: unknown, body: string) => {
    seen.push({ method: req.method, path: req.path, headers: { ...req.headers }, body });
  });
  return seen;
}

/** Runs fn with a catch-all interceptor on origin, and returns how many requests reached it. */
export async function requestsDuring(origin: string, fn: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const scope = nock(origin).persist();
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    scope.intercept(() => true, method).reply(() => {
      count += 1;
      return [599, 'should not have been sent'];
    });
  }
  try {
    await fn();
  } finally {
    scope.persist(false);
    nock.cleanAll();
  }
  return count;
}
