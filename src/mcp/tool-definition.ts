/** One MCP tool as the server lists it (src/generated/mcp-tools.ts holds one per action). */
export interface McpToolDefinition {
  /** The action id. */
  name: string;
  title: string;
  /** Verb-first, what a model chooses by. */
  description: string;
  /** The action's input schema, self-contained. */
  inputSchema: { type: 'object'; [keyword: string]: unknown };
  /** The action's output schema (the envelope), self-contained. */
  outputSchema: { type: 'object'; [keyword: string]: unknown };
  annotations: {
    title: string;
    readOnlyHint: boolean;
    destructiveHint: boolean;
    idempotentHint: boolean;
    openWorldHint: true;
  };
}
