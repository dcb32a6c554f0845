// Injected into the CommonJS CLI bundles (scripts/build-cli.ts): what `import.meta.url` means in an ES
// module, the URL of the file the code runs from, for code bundled from ES modules
// (src/contract/package-root.ts finds connector.json from it).
export const __retestModuleUrl = /* @__PURE__ */ require('node:url').pathToFileURL(__filename).href;
