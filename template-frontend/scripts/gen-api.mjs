// Regenerates lib/api/schema.d.ts from the backend's OpenAPI document.
//   node scripts/gen-api.mjs                 from the committed openapi.json
//   node scripts/gen-api.mjs URL|FILE        refresh openapi.json from a running backend or a file first
//   node scripts/gen-api.mjs --check         fail when the committed types are stale
import { readFile, writeFile } from "node:fs/promises";
import process from "node:process";

import openapiTS, { astToString } from "openapi-typescript";

const DOCUMENT = "openapi.json";
const TYPES = "lib/api/schema.d.ts";
const HEADER = `// Generated from ${DOCUMENT} by \`make gen-api\`: do not edit.\n\n`;

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

async function readSource(source) {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`GET ${source} answered ${response.status}`);
    return response.text();
  }
  return readFile(source, "utf8");
}

async function render() {
  const document = JSON.parse(await readFile(DOCUMENT, "utf8"));
  return HEADER + astToString(await openapiTS(document));
}

async function main(args) {
  const check = args.includes("--check");
  const source = args.find((arg) => !arg.startsWith("--"));
  if (check && source) throw new Error("--check compares the committed files: give no source");
  if (source) {
    // Same layout as the backend writes it: sorted keys, 2-space indent, final newline.
    const document = sortKeys(JSON.parse(await readSource(source)));
    await writeFile(DOCUMENT, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`${DOCUMENT} refreshed from ${source}`);
  }
  const types = await render();
  if (check) {
    const committed = await readFile(TYPES, "utf8").catch(() => "");
    if (committed !== types) {
      console.error(`${TYPES} is stale against ${DOCUMENT}: run \`make gen-api\` and commit it`);
      process.exitCode = 1;
      return;
    }
    console.log(`${TYPES} is up to date`);
    return;
  }
  await writeFile(TYPES, types);
  console.log(`${TYPES} written`);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`gen-api: ${error.message}`);
  process.exitCode = 1;
});
