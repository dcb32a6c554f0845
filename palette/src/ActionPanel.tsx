/**
 * One action: its input form first (required fields, then the optional ones
 * folded), a Run button, what came back, and the connection in a panel of its
 * own. Served by `retest-connectors palette`, Run posts the input to that
 * server, which runs it through runAction with the connection it holds; the
 * static build shows the input JSON and the command that runs it instead.
 * Validation messages are the runtime's own (src/contract/validation.ts): the
 * same words the CLI and the MCP server use, next to each field.
 */
import Form from '@rjsf/core';
import type { IChangeEvent } from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Action, Connection } from '../../src/generated/types.js';
import { getValidator } from '../../src/contract/validators.js';
import { describeProblems, type LocatedProblem, problemLine } from '../../src/contract/validation.js';
import { cleaned, errorSchemaOf, templates, uiSchemaFor, validator, widgets, withoutValueDefaults } from './form-setup.js';
import { runCommand } from './run-command.js';
import { fileUrl, type Progress, type RunError, runOnServer, type Session } from './server-api.js';
import { offeredSteps } from './next-steps.js';
import { secretFields } from './bundle-data.js';

interface Props {
  action: Action;
  connectionId: string;
  connection: Connection;
  inputSchema: RJSFSchema;
  connectionSchema: RJSFSchema;
  /** Present when the page is served by `retest-connectors palette`: the server's connections, masked. */
  session: Session | undefined;
  /** The input the form starts from (a next step filled it in from the run before). */
  initialInput?: Data;
  /** Opens a next step's action with the input this run filled in. */
  onNext?: (actionId: string, input: Data) => void;
}

type Data = Record<string, unknown>;

interface RunState {
  running: boolean;
  /** The input the run was given (a next step may take a field from it). */
  input?: unknown;
  progress?: Progress;
  result?: { envelope: Record<string, unknown> & { status_code: number; reason: string }; summary: Record<string, unknown> };
  error?: RunError;
}

type StaticResult = { inputJson: string; command: string; connectionProblems: string[] };

/** Required object groups present (empty) so a missing field inside is named, not its group. */
function withRequiredGroups(value: unknown, schema: RJSFSchema): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Data = { ...(value as Data) };
  for (const name of schema.required ?? []) {
    const property = schema.properties?.[name];
    if (typeof property === 'object' && property.type === 'object') out[name] = withRequiredGroups(out[name] ?? {}, property);
  }
  return out;
}

function validateWithRuntime(schemaPath: string, schema: RJSFSchema, data: unknown, root = ''): LocatedProblem[] {
  const validate = getValidator(schemaPath);
  return validate(data) ? [] : describeProblems(validate.errors, schema, root);
}

function progressText(progress: Progress): string {
  const state = progress.state ?? 'waiting for the first status';
  const percentage = progress.percentage === null ? '' : ` ${Math.round(progress.percentage)}%`;
  return `${state}${percentage} · poll ${progress.polls} · ${Math.round(progress.elapsed_ms / 1000)} s${progress.done ? ' · done' : ''}`;
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The body as shown: a file's bytes are offered as a download, not printed. */
function shownEnvelope(envelope: Data): string {
  const file = envelope.file as { content_base64?: string; size_bytes?: number } | undefined;
  const shown = file && typeof file.content_base64 === 'string' ? { ...envelope, file: { ...file, content_base64: `(${file.size_bytes ?? '?'} bytes: use the download link)` } } : envelope;
  return JSON.stringify(shown, null, 2);
}

function RunResult({ state, action, onNext }: { state: RunState; action: Action; onNext?: (actionId: string, input: Data) => void }) {
  const { result, error, progress } = state;
  const steps = useMemo(() => (result ? offeredSteps(action, state.input, result.envelope) : []), [action, state.input, result]);
  const file = result?.envelope.file as { file_name: string; content_type?: string; size_bytes?: number; content_base64: string } | undefined;
  const href = useMemo(() => (file && typeof file.content_base64 === 'string' ? fileUrl(file) : undefined), [file]);
  useEffect(() => () => (href ? URL.revokeObjectURL(href) : undefined), [href]);
  const wait = result?.envelope.wait as { outcome?: string; done?: boolean; polls?: number; waited_ms?: number } | undefined;
  const ok = result ? result.envelope.status_code >= 200 && result.envelope.status_code <= 299 : false;
  return (
    <>
      {progress && (
        <div className="progress" data-testid="progress" aria-live="polite">
          <progress max={100} value={progress.percentage ?? undefined} />
          <span data-testid="progress-text">{progressText(progress)}</span>
          {progress.error && <span className="problems"> · last poll failed: {progress.error.message}</span>}
        </div>
      )}
      {state.running && <p data-testid="running">Running…</p>}
      {result && (
        <>
          <p className={`status ${ok ? 'ok' : 'bad'}`} data-testid="status">
            <strong>{result.envelope.status_code}</strong> {result.envelope.reason}
          </p>
          {wait && (
            <p data-testid="outcome">
              Outcome: <strong>{wait.outcome ?? (wait.done ? 'done' : 'still running when the wait ended')}</strong>
              {typeof wait.polls === 'number' && ` (${wait.polls} poll${wait.polls === 1 ? '' : 's'}, ${Math.round((wait.waited_ms ?? 0) / 1000)} s)`}
            </p>
          )}
          {Object.keys(result.summary).length > 0 && (
            <dl className="summary" data-testid="summary">
              {Object.entries(result.summary).map(([label, value]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd data-summary={label}>{display(value)}</dd>
                </div>
              ))}
            </dl>
          )}
          {file && href && (
            <p>
              <a className="download" data-testid="download" href={href} download={file.file_name}>
                Download {file.file_name}
              </a>{' '}
              ({file.size_bytes ?? '?'} bytes, {file.content_type ?? 'unknown type'})
            </p>
          )}
          {onNext && steps.length > 0 && (
            <p className="next-steps" data-testid="next-steps">
              Next:{' '}
              {steps.map(({ step, input }) => (
                <button type="button" key={step.action} data-next={step.action} onClick={() => onNext(step.action, input)}>
                  {step.title}
                </button>
              ))}
            </p>
          )}
          <details className="body" data-testid="body">
            <summary>Response (status, headers, body)</summary>
            <pre>{shownEnvelope(result.envelope)}</pre>
          </details>
        </>
      )}
      {error && (
        <div className="problems" role="alert" data-testid="run-error">
          <p>
            <strong>{error.code}</strong>: {error.details && error.details.length > 0 ? 'the run was refused, nothing was sent.' : error.message}
          </p>
          {error.details && error.details.length > 0 && (
            <ul>
              {error.details.map((d) => (
                <li key={`${d.field}:${d.message}`}>{problemLine(d)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}

/** The connection the server holds, as it may be shown: secrets only said to be set. */
function ServerConnection({ connection, session, connectionId, required }: { connection: Connection; session: Session; connectionId: string; required: Set<string> }) {
  const held = session.connections[connectionId];
  const fields = held?.fields ?? [];
  const missing = fields.filter((f) => required.has(f.name) && !f.set).map((f) => f.title);
  return (
    <details className="card connection" data-testid="connection" open={missing.length > 0 || undefined}>
      <summary>
        <h2>Connection: {connection.title}</h2>
        <span className={missing.length > 0 ? 'problems' : 'ready'}>{missing.length > 0 ? `missing ${missing.join(', ')}` : 'ready'}</span>
      </summary>
      <p className="field-description">Held by the server that serves this page (its environment, a --connection file, or --simulator). Secrets never reach this page.</p>
      <dl className="connection-fields">
        {fields.map((f) => (
          <div key={f.name}>
            <dt>{f.title}</dt>
            <dd data-field={f.name}>{f.secret ? (f.set ? '•••••••• (set)' : 'not set') : f.set ? f.value : 'not set'}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function ActionPanel({ action, connectionId, connection, inputSchema, connectionSchema, session, initialInput, onNext }: Props) {
  const server = session !== undefined;
  const [connectionData, setConnectionData] = useState<Data | undefined>(undefined);
  const [inputData, setInputData] = useState<Data>(() => initialInput ?? {});
  const [problems, setProblems] = useState<LocatedProblem[]>([]);
  const [staticResult, setStaticResult] = useState<StaticResult | undefined>(undefined);
  const [runState, setRunState] = useState<RunState | undefined>(undefined);
  const aborter = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => aborter.current?.abort(), []);
  const inputUi = useMemo(() => ({ ...uiSchemaFor(inputSchema), 'ui:submitButtonOptions': { norender: true } }), [inputSchema]);
  const inputRenderSchema = useMemo(() => withoutValueDefaults(inputSchema), [inputSchema]);
  const connectionUi = useMemo(
    () => ({ ...uiSchemaFor(connectionSchema, new Set(secretFields[connectionId] ?? [])), 'ui:submitButtonOptions': { norender: true } }),
    [connectionSchema, connectionId],
  );
  const extraErrors = useMemo(() => (problems.length > 0 ? errorSchemaOf(problems) : undefined), [problems]);
  const requiredConnectionFields = useMemo(() => new Set(connectionSchema.required ?? []), [connectionSchema]);
  const connectionProblems = useMemo(
    () => (server ? [] : validateWithRuntime(connection.schema, connectionSchema, cleaned(connectionData ?? {}, connectionSchema), 'connection')),
    [server, connection.schema, connectionSchema, connectionData],
  );
  // Open while something is missing; once complete it folds away (the person can still open it).
  const [connectionOpen, setConnectionOpen] = useState(true);
  const connectionComplete = connectionProblems.length === 0;

  const onSubmit = ({ formData }: IChangeEvent<Data>) => {
    setInputData(formData ?? {});
    const input = withRequiredGroups(cleaned(formData ?? {}, inputSchema), inputSchema);
    const found = validateWithRuntime(action.input_schema, inputSchema, input);
    setProblems(found);
    setStaticResult(undefined);
    if (found.length > 0) {
      setRunState(undefined);
      return;
    }
    if (!server) {
      setStaticResult({
        inputJson: JSON.stringify(input, null, 2),
        command: runCommand({ actionId: action.id, connectionId, connectionSchema, secretFields: secretFields[connectionId] ?? [], connection: connectionData, inputFile: 'input.json' }),
        connectionProblems: connectionProblems.map(problemLine),
      });
      return;
    }
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    let state: RunState = { running: true, input };
    setRunState(state);
    const update = (next: Partial<RunState>) => {
      state = { ...state, ...next };
      if (!controller.signal.aborted) setRunState(state);
    };
    runOnServer(
      action.id,
      input,
      (event) => {
        if (event.type === 'progress') update({ progress: event.progress });
        else if (event.type === 'result') update({ running: false, result: { envelope: event.envelope, summary: event.summary } });
        else update({ running: false, error: event.error });
      },
      controller.signal,
    )
      .then(() => update({ running: false }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) update({ running: false, error: { code: 'NETWORK', message: error instanceof Error ? error.message : String(error) } });
      });
  };

  return (
    <>
      <header className="action-header">
        <h1>{action.title}</h1>
        <p>{action.description}</p>
        <p className="endpoint">
          <code data-testid="endpoint">
            {action.method} {action.path}
          </code>{' '}
          <span className="action-id">
            action id <code>{action.id}</code>
          </span>
        </p>
      </header>

      <section className="card" aria-labelledby="input-heading">
        <h2 id="input-heading">Input</h2>
        {problems.length > 0 && (
          <div className="problems" role="alert" data-testid="input-problems">
            <p>Fix {problems.length === 1 ? 'this' : `these ${problems.length}`} before running:</p>
            <ul>
              {problems.map((p) => (
                <li key={`${p.pointer}:${p.message}`}>{problemLine(p)}</li>
              ))}
            </ul>
          </div>
        )}
        <Form
          schema={inputRenderSchema}
          uiSchema={inputUi}
          validator={validator}
          widgets={widgets}
          templates={templates}
          formData={inputData}
          onChange={(e: IChangeEvent<Data>) => setInputData(e.formData ?? {})}
          onSubmit={onSubmit}
          extraErrors={extraErrors}
          idPrefix="input"
          showErrorList={false}
          noValidate
          noHtml5Validate
        >
          <div className="actions">
            <button type="submit" className="primary" disabled={runState?.running === true}>
              {server ? (runState?.running ? 'Running…' : 'Run') : 'Show input and command'}
            </button>
            {runState?.running && (
              <button type="button" onClick={() => { aborter.current?.abort(); setRunState({ ...runState, running: false, error: { code: 'ABORTED', message: 'Stopped from the page.' } }); }}>
                Stop
              </button>
            )}
          </div>
        </Form>
      </section>

      <section className="card" aria-labelledby="result-heading" aria-live="polite" data-testid="result">
        <h2 id="result-heading">Result</h2>
        {!runState && !staticResult && (
          <p className="field-description">
            {server ? 'Fill in the input and press Run: the server runs the action and shows what came back.' : 'Fill in the input and submit to see the input JSON and the command that runs it.'}
          </p>
        )}
        {runState && <RunResult state={runState} action={action} onNext={onNext} />}
        {staticResult && (
          <>
            <h3>input.json</h3>
            <pre data-testid="input-json">{staticResult.inputJson}</pre>
            <h3>Run it</h3>
            <pre data-testid="run-command">{staticResult.command}</pre>
            <p>
              Save the JSON above as <code>input.json</code>. Replace each <code>…</code> with the value (secrets are never shown on this
              page), or export those variables beforehand and leave them out of the line. Or run <code>retest-connectors palette</code> and
              press Run.
            </p>
            {staticResult.connectionProblems.length > 0 && (
              <div className="problems" data-testid="connection-problems">
                <p>The connection is not complete yet:</p>
                <ul>
                  {staticResult.connectionProblems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </div>
            )}
          </>
        )}
      </section>

      {server ? (
        <ServerConnection connection={connection} session={session} connectionId={connectionId} required={requiredConnectionFields} />
      ) : (
        <details
          className="card connection"
          data-testid="connection"
          open={connectionOpen}
          onToggle={(e) => setConnectionOpen((e.currentTarget as HTMLDetailsElement).open)}
        >
          <summary>
            <h2>Connection: {connection.title}</h2>
            <span className={connectionComplete ? 'ready' : 'problems'}>{connectionComplete ? 'complete' : `missing ${connectionProblems.map((p) => p.title).join(', ')}`}</span>
          </summary>
          <p className="field-description">Used only to write the command below; secrets stay in this form (masked, never stored) and are never shown.</p>
          <Form
            schema={connectionSchema}
            uiSchema={connectionUi}
            validator={validator}
            widgets={widgets}
            templates={templates}
            formData={connectionData}
            onChange={(e: IChangeEvent<Data>) => setConnectionData(e.formData)}
            onBlur={() => {
              if (connectionComplete) setConnectionOpen(false);
            }}
            idPrefix="connection"
            showErrorList={false}
            noValidate
            noHtml5Validate
          >
            <></>
          </Form>
        </details>
      )}
    </>
  );
}
