/**
 * One action: its connection form (secrets masked, defaults filled in), its
 * input form, and on submit the input JSON the form produced, checked with the
 * runtime's own validators, plus the command that would run it.
 */
import Form from '@rjsf/core';
import type { IChangeEvent } from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import type { ErrorObject } from 'ajv';
import { useMemo, useState } from 'react';
import type { Action, Connection } from '../../src/generated/types.js';
import { getValidator } from '../../src/contract/validators.js';
import { errorTransformerFor, templates, uiSchemaFor, validator, widgets } from './form-setup.js';
import { runCommand } from './run-command.js';

interface Props {
  action: Action;
  connectionId: string;
  connection: Connection;
  inputSchema: RJSFSchema;
  connectionSchema: RJSFSchema;
}

type Result =
  | { ok: true; inputJson: string; command: string; connectionProblems: string[] }
  | { ok: false; problems: string[] };

type Data = Record<string, unknown>;

/** Runtime validation (the precompiled validators a real run uses), as readable lines. */
function problemsOf(schemaPath: string, data: unknown): string[] {
  const validate = getValidator(schemaPath);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}`);
}

export function ActionPanel({ action, connectionId, connection, inputSchema, connectionSchema }: Props) {
  const [connectionData, setConnectionData] = useState<Data | undefined>(undefined);
  const [inputData, setInputData] = useState<Data | undefined>(undefined);
  const [result, setResult] = useState<Result | undefined>(undefined);
  const inputUi = useMemo(() => uiSchemaFor(inputSchema), [inputSchema]);
  const connectionUi = useMemo(() => uiSchemaFor(connectionSchema), [connectionSchema]);
  const transformInputErrors = useMemo(() => errorTransformerFor(inputSchema), [inputSchema]);
  const transformConnectionErrors = useMemo(() => errorTransformerFor(connectionSchema), [connectionSchema]);

  const onSubmit = ({ formData }: IChangeEvent<Data>) => {
    setInputData(formData);
    const problems = problemsOf(action.input_schema, formData);
    if (problems.length > 0) {
      setResult({ ok: false, problems });
      return;
    }
    setResult({
      ok: true,
      inputJson: JSON.stringify(formData, null, 2),
      command: runCommand({ actionId: action.id, connectionId, connectionSchema, connection: connectionData, inputFile: 'input.json' }),
      connectionProblems: problemsOf(connection.schema, connectionData ?? {}),
    });
  };

  return (
    <>
      <header>
        <h1>{action.title}</h1>
        <p>{action.description}</p>
        <p className="endpoint">
          <code data-testid="endpoint">
            {action.method} {action.path}
          </code>{' '}
          · action id <code>{action.id}</code>
        </p>
      </header>

      <section className="card" aria-labelledby="connection-heading">
        <h2 id="connection-heading">Connection: {connection.title}</h2>
        <Form
          schema={connectionSchema}
          uiSchema={connectionUi}
          validator={validator}
          widgets={widgets}
          templates={templates}
          formData={connectionData}
          onChange={(e: IChangeEvent<Data>) => setConnectionData(e.formData)}
          transformErrors={transformConnectionErrors}
          idPrefix="connection"
          showErrorList={false}
          noHtml5Validate
        >
          {/* The connection is not submitted on its own: the input form's submit uses it. */}
          <></>
        </Form>
      </section>

      <section className="card" aria-labelledby="input-heading">
        <h2 id="input-heading">Input</h2>
        <Form
          schema={inputSchema}
          uiSchema={inputUi}
          validator={validator}
          widgets={widgets}
          templates={templates}
          formData={inputData}
          onChange={(e: IChangeEvent<Data>) => setInputData(e.formData)}
          onSubmit={onSubmit}
          onError={() => setResult(undefined)}
          transformErrors={transformInputErrors}
          idPrefix="input"
          showErrorList="top"
          noHtml5Validate
        >
          <button type="submit">Show input and command</button>
        </Form>
      </section>

      <section className="card" aria-labelledby="result-heading" aria-live="polite" data-testid="result">
        <h2 id="result-heading">Result</h2>
        {!result && <p>Fill in the input and submit to see the input JSON and the command that runs it.</p>}
        {result && !result.ok && (
          <div className="problems" role="alert" data-testid="input-problems">
            <p>The input does not match the action's input schema:</p>
            <ul>
              {result.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        {result && result.ok && (
          <>
            <h3>input.json</h3>
            <pre data-testid="input-json">{result.inputJson}</pre>
            <h3>Run it</h3>
            <pre data-testid="run-command">{result.command}</pre>
            <p>
              Save the JSON above as <code>input.json</code>. Replace each <code>…</code> with the value (secrets are never shown on this
              page), or export those variables beforehand and leave them out of the line.
            </p>
            {result.connectionProblems.length > 0 && (
              <div className="problems" data-testid="connection-problems">
                <p>The connection is not complete yet:</p>
                <ul>
                  {result.connectionProblems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </div>
            )}
          </>
        )}
      </section>
    </>
  );
}
