/**
 * The palette: the actions of connector.json grouped by vendor, and the
 * selected one's forms. The selection lives in the URL hash, so an action can
 * be linked to (`index.html#attackforge_request_new_project_retest`).
 */
import { useEffect, useState } from 'react';
import { manifest, schemas } from './bundle-data.js';
import { ActionPanel } from './ActionPanel.js';
import { fetchSession, serverMode, type Session } from './server-api.js';

const actionIds = new Set(manifest.actions.map((a) => a.id));

function selectedFromHash(): string {
  const id = decodeURIComponent(window.location.hash.replace(/^#/, ''));
  return actionIds.has(id) ? id : manifest.actions[0]!.id;
}

function schemaAt(path: string) {
  const schema = schemas[path];
  if (!schema) throw new Error(`palette: schema ${path} was not embedded at build time`);
  return schema;
}

export function App() {
  const [selected, setSelected] = useState(selectedFromHash);
  // A next step's input, for the action it opens (and only until another action is chosen).
  const [prefill, setPrefill] = useState<{ action: string; input: Record<string, unknown>; serial: number } | undefined>(undefined);
  useEffect(() => {
    const onHashChange = () => {
      const id = selectedFromHash();
      setSelected(id);
      setPrefill((current) => (current?.action === id ? current : undefined));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const server = serverMode();
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [sessionError, setSessionError] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!server) return;
    fetchSession().then(setSession, (error: unknown) => setSessionError(error instanceof Error ? error.message : String(error)));
  }, [server]);
  const action = manifest.actions.find((a) => a.id === selected)!;
  const connection = manifest.connections[action.connection]!;
  const go = (id: string) => {
    window.location.hash = id;
  };
  const openNext = (id: string, input: Record<string, unknown>) => {
    setPrefill((current) => ({ action: id, input, serial: (current?.serial ?? 0) + 1 }));
    setSelected(id);
    go(id);
  };
  const initialInput = prefill?.action === selected ? prefill.input : undefined;

  return (
    <div className="layout">
      <nav aria-label="Actions">
        <h1>{manifest.title}</h1>
        {manifest.vendors.map((vendor) => (
          <section key={vendor.id} aria-labelledby={`vendor-${vendor.id}`} data-vendor={vendor.id}>
            <h2 id={`vendor-${vendor.id}`}>{vendor.name}</h2>
            <ul>
              {manifest.actions
                .filter((a) => a.vendor === vendor.id)
                .map((a) => (
                  <li key={a.id}>
                    <a href={`#${a.id}`} aria-current={a.id === selected ? 'page' : undefined} data-action={a.id}>
                      {a.title}
                      <code>{a.id}</code>
                    </a>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </nav>
      <main>
        <label className="action-select">
          Action{' '}
          <select value={selected} onChange={(e) => go(e.target.value)}>
            {manifest.vendors.map((vendor) => (
              <optgroup key={vendor.id} label={vendor.name}>
                {manifest.actions
                  .filter((a) => a.vendor === vendor.id)
                  .map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.title}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        {sessionError && (
          <p className="problems" role="alert" data-testid="session-error">
            {sessionError}
          </p>
        )}
        {server && !session && !sessionError && <p>Connecting to the palette server…</p>}
        {/* keyed by action (and by the next step that opened it): switching actions starts from fresh forms */}
        {(!server || session) && <ActionPanel
          key={initialInput ? `${action.id}#${prefill!.serial}` : action.id}
          action={action}
          connectionId={action.connection}
          connection={connection}
          inputSchema={schemaAt(action.input_schema)}
          connectionSchema={schemaAt(connection.schema)}
          session={session}
          initialInput={initialInput}
          onNext={server ? openNext : undefined}
        />}
      </main>
    </div>
  );
}
