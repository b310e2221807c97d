// Regenerates lib/api/schema.d.ts (types) and lib/api/validators.ts (zod schemas) from the
// backend's OpenAPI document, so the browser checks input by the backend's own rules.
//   node scripts/gen-api.mjs                 from the committed openapi.json
//   node scripts/gen-api.mjs URL|FILE        refresh openapi.json from a running backend or a file first
//   node scripts/gen-api.mjs --check         fail when the committed files are stale
import { readFile, writeFile } from "node:fs/promises";
import process from "node:process";

import { jsonSchemaToZod } from "json-schema-to-zod";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";

const DOCUMENT = "openapi.json";
const TYPES = "lib/api/schema.d.ts";
const VALIDATORS = "lib/api/validators.ts";
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

async function renderTypes(document) {
  return HEADER + astToString(await openapiTS(document));
}

/** One zod schema per component schema that has no references (request bodies among them). */
async function renderValidators(document) {
  const schemas = document.components?.schemas ?? {};
  const lines = [HEADER + 'import { z } from "zod";\n'];
  for (const name of Object.keys(schemas).sort()) {
    if (JSON.stringify(schemas[name]).includes('"$ref"')) continue;
    lines.push(`export const ${name} = ${jsonSchemaToZod(schemas[name], { module: "none" })};\n`);
  }
  const options = (await prettier.resolveConfig(VALIDATORS)) ?? {};
  return prettier.format(lines.join("\n"), { ...options, parser: "typescript" });
}

async function render() {
  const document = JSON.parse(await readFile(DOCUMENT, "utf8"));
  return { [TYPES]: await renderTypes(document), [VALIDATORS]: await renderValidators(document) };
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
  const files = await render();
  for (const [path, text] of Object.entries(files)) {
    if (check) {
      const committed = await readFile(path, "utf8").catch(() => "");
      if (committed !== text) {
        console.error(`${path} is stale against ${DOCUMENT}: run \`make gen-api\` and commit it`);
        process.exitCode = 1;
      } else {
        console.log(`${path} is up to date`);
      }
    } else {
      await writeFile(path, text);
      console.log(`${path} written`);
    }
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`gen-api: ${error.message}`);
  process.exitCode = 1;
});
