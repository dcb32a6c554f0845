/**
 * The tool calls running in one MCP session, by JSON-RPC request id. The
 * Streamable HTTP front (./http.ts) attaches to each request id a signal that
 * fires when the HTTP exchange carrying it is gone (the client's socket
 * closed before the answer); the tool handler (./server.ts) runs each call
 * under that signal and its own (an MCP cancellation, a closed session), and
 * says when the call has really ended. The front frees an exchange's
 * in-flight slot only then, so its bound counts what is really running.
 */
export type RequestId = string | number;

const ignore = () => undefined;

export class RunningCalls {
  private readonly exchanges = new Map<RequestId, AbortSignal>();
  private readonly running = new Map<RequestId, Promise<void>>();

  /** The HTTP front: `ids` were received in one exchange; `gone` fires when that exchange ends without an answer. */
  attach(ids: readonly RequestId[], gone: AbortSignal): void {
    for (const id of ids) this.exchanges.set(id, gone);
  }

  /** The HTTP front: the exchange is over (answered or gone); its calls, if still running, keep their signal. */
  detach(ids: readonly RequestId[], gone: AbortSignal): void {
    for (const id of ids) if (this.exchanges.get(id) === gone) this.exchanges.delete(id);
  }

  /**
   * The tool handler: runs `call` with a signal that fires on `signal` (the MCP request's own) or when the
   * call's exchange is gone, and counts it as running until it settles.
   */
  run<T>(id: RequestId, signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const gone = this.exchanges.get(id);
    const work = call(gone ? AbortSignal.any([signal, gone]) : signal);
    const settled = work.then(ignore, ignore);
    this.running.set(id, settled);
    void settled.then(() => {
      if (this.running.get(id) === settled) this.running.delete(id);
    });
    return work;
  }

  /**
   * Resolves once the calls with these ids that have started are over. A call whose handler starts
   * after its exchange is gone starts with an aborted signal and sends nothing.
   */
  settled(ids: readonly RequestId[]): Promise<void> {
    const pending = ids.map((id) => this.running.get(id)).filter((work): work is Promise<void> => work !== undefined);
    return pending.length === 0 ? Promise.resolve() : Promise.all(pending).then(ignore);
  }

  /** Calls running now. */
  get size(): number {
    return this.running.size;
  }
}
