/**
 * The shape of the mapping scripts/lib/n8n-package.ts generates into each node and execute()
 * (mapping.ts) reads: types only, shared by the generator and the package.
 */
/** How execute() maps a node property back into the action input (scripts/lib/n8n-package.ts generates these). */
export interface FieldMapping {
  /** n8n parameter name (or the key inside `collection`). */
  param: string;
  /** Where the value goes in the action input, e.g. ['json_body', 'BaseScanId']. */
  path: string[];
  kind: 'string' | 'number' | 'boolean' | 'options' | 'multiOptions' | 'stringList' | 'json';
  /** Set when the field is optional and lives in this collection parameter. */
  collection?: string;
}

export interface OperationMapping {
  action: string;
  credential: string;
  /** Sections the input schema requires: sent as {} even when empty, so validation names their fields. */
  requiredSections: string[];
  fields: FieldMapping[];
}

export interface CredentialMapping {
  name: string;
  /** `default`: the connection schema's default. n8n fills it in for a field the user left alone, so it says nothing. */
  fields: { name: string; kind: 'string' | 'number' | 'boolean'; default?: string | number | boolean }[];
  /** A read-only action that needs no input: n8n's "Test" button on the credential runs it. */
  probe?: string;
}

export interface GeneratedNode {
  operations: Record<string, OperationMapping>;
  credentials: Record<string, CredentialMapping>;
}
