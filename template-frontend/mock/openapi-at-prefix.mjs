#!/usr/bin/env node
// Writes the committed OpenAPI document with every path moved under the backend's route prefix.
// The document's paths are relative to the prefix (`/items`), and the mock server (Prism)
// ignores base paths, while this app calls the backend at `<prefix>/items`.
// Usage: node mock/openapi-at-prefix.mjs <openapi.json> <output.json> <prefix, e.g. /api>
import { readFileSync, writeFileSync } from "node:fs";

const [source, target, prefix = ""] = process.argv.slice(2);
if (!source || !target || (prefix && !/^\/[^/].*[^/]$|^\/[^/]$/.test(prefix))) {
  console.error("usage: openapi-at-prefix.mjs <openapi.json> <output.json> [/prefix]");
  process.exit(2);
}
const document = JSON.parse(readFileSync(source, "utf8"));
document.paths = Object.fromEntries(
  Object.entries(document.paths ?? {}).map(([path, item]) => [`${prefix}${path}`, item]),
);
writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
console.log(`${target}: ${Object.keys(document.paths).length} paths under '${prefix || "/"}'`);
