// Regenerates lib/event-contracts.ts (zod schemas and their types) from the backend's event
// contracts under schemas/, so the live page reads each event by the backend's own rules.
//   node scripts/gen-events.mjs           write it
//   node scripts/gen-events.mjs --check   fail when the committed file is stale
import { readdir, readFile, writeFile } from "node:fs/promises";
import process from "node:process";

import { jsonSchemaToZod } from "json-schema-to-zod";
import * as prettier from "prettier";

const DIRECTORY = "schemas";
const OUTPUT = "lib/event-contracts.ts";
const HEADER = `// Generated from ${DIRECTORY}/ by \`make gen-events\`: do not edit.\n\n`;

/** The schema with its local `#/$defs/...` references replaced by what they name. */
function inlineDefinitions(schema, file) {
  const definitions = schema.$defs ?? {};
  const inline = (value) => {
    if (Array.isArray(value)) return value.map(inline);
    if (!value || typeof value !== "object") return value;
    if (typeof value.$ref === "string") {
      const name = value.$ref.match(/^#\/\$defs\/([^/]+)$/)?.[1];
      if (!name || !(name in definitions)) throw new Error(`${file}: cannot resolve ${value.$ref}`);
      return inline(definitions[name]);
    }
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !["$defs", "$id", "$schema"].includes(key))
        .map(([key, item]) => [key, inline(item)]),
    );
  };
  return inline(schema);
}

async function render() {
  const files = (await readdir(DIRECTORY)).filter((file) => file.endsWith(".json")).sort();
  if (files.length === 0) throw new Error(`${DIRECTORY}/ holds no event schema`);
  const lines = [HEADER + 'import { z } from "zod";\n'];
  const byType = [];
  for (const file of files) {
    const schema = JSON.parse(await readFile(`${DIRECTORY}/${file}`, "utf8"));
    const name = schema.title;
    const type = schema.properties?.type?.const;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name ?? "") || typeof type !== "string") {
      throw new Error(`${file}: an event schema needs a title and a constant \`type\``);
    }
    const zod = jsonSchemaToZod(inlineDefinitions(schema, file), { module: "none" });
    lines.push(`/** ${type}, from ${DIRECTORY}/${file}. */`);
    lines.push(`export const ${name} = ${zod};`);
    lines.push(`export type ${name} = z.infer<typeof ${name}>;\n`);
    byType.push(`${JSON.stringify(type)}: ${name}`);
  }
  lines.push(
    "/** Every event this service's backend publishes, by its type (the SSE event name). */",
  );
  lines.push(`export const EVENT_CONTRACTS = { ${byType.join(", ")} } as const;`);
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(lines.join("\n"), { ...options, parser: "typescript" });
}

async function main(args) {
  const text = await render();
  if (!args.includes("--check")) {
    await writeFile(OUTPUT, text);
    console.log(`${OUTPUT} written`);
  } else if ((await readFile(OUTPUT, "utf8").catch(() => "")) !== text) {
    console.error(
      `${OUTPUT} is stale against ${DIRECTORY}/: run \`make gen-events\` and commit it`,
    );
    process.exitCode = 1;
  } else {
    console.log(`${OUTPUT} is up to date`);
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`gen-events: ${error.message}`);
  process.exitCode = 1;
});
