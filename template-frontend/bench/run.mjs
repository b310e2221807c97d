#!/usr/bin/env node
// Production build benchmark: how long `pnpm build` takes, how big the deployable standalone
// output is, and how much JavaScript a browser downloads on its first visit to `/`.
// Usage: node bench/run.mjs [--json] [--timeout=SECONDS]
// The figures come from Next's own build manifests, so they match what the image serves.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const next = join(root, ".next");
const args = process.argv.slice(2);
const asJson = args.includes("--json");
const timeoutArg = args.find((arg) => arg.startsWith("--timeout="));
const timeoutSeconds = Number(
  timeoutArg?.split("=")[1] ?? process.env.BENCH_TIMEOUT_SECONDS ?? 600,
);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

/** Runs `pnpm build`, its output on stderr, killed when it exceeds the time bound. */
function timedBuild() {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const child = spawn("pnpm", ["run", "build"], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", process.stderr, process.stderr],
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(`the build took longer than ${timeoutSeconds} s and was stopped`);
    }, timeoutSeconds * 1000);
    child.on("error", (error) => fail(`could not start pnpm: ${error.message}`));
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) fail(`the build failed (exit code ${code})`);
      done(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

/** Total bytes and file count of a directory tree (symlinks not followed). */
function treeSize(dir) {
  let bytes = 0;
  let files = 0;
  if (!existsSync(dir)) return { bytes, files };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
    files += 1;
  }
  return { bytes, files };
}

function readJson(path) {
  if (!existsSync(path)) fail(`${path} is missing: is this a Next.js production build?`);
  return JSON.parse(readFileSync(path, "utf8"));
}

/** The app route ("/page", "/(group)/page", ...) that renders the URL `/`. */
function homeRoute() {
  const routes = readJson(join(next, "app-path-routes-manifest.json"));
  const route = Object.keys(routes).find((key) => routes[key] === "/" && key.endsWith("/page"));
  if (!route) fail("no app route renders `/` (app-path-routes-manifest.json)");
  return route;
}

/** Chunks the page needs on load, from its client reference manifest. */
function pageChunks(route) {
  const file = join(next, "server", "app", `${route}_client-reference-manifest.js`);
  if (!existsSync(file)) fail(`${file} is missing: is this a Next.js production build?`);
  const sandbox = {};
  vm.createContext(sandbox);
  vm.runInContext(readFileSync(file, "utf8"), sandbox, { filename: file, timeout: 5000 });
  const manifest = sandbox.__RSC_MANIFEST?.[route];
  if (!manifest) fail(`${file} has no entry for ${route}`);
  // Turbopack lists each entry's chunks; webpack builds only list them per client module.
  if (manifest.entryJSFiles) return Object.values(manifest.entryJSFiles).flat();
  return Object.values(manifest.clientModules ?? {})
    .filter((module) => !module.async)
    .flatMap((module) => module.chunks.filter((chunk) => chunk.endsWith(".js")));
}

/** JavaScript the browser loads for `/` before any interaction: runtime, framework and page. */
function firstLoadJs() {
  const build = readJson(join(next, "build-manifest.json"));
  const route = homeRoute();
  const all = [...(build.rootMainFiles ?? []), ...pageChunks(route)];
  const chunks = new Set(all.filter((chunk) => chunk.endsWith(".js")));
  let raw = 0;
  let gzip = 0;
  for (const chunk of chunks) {
    const content = readFileSync(join(next, chunk.replace(/^\/?_next\//, "")));
    raw += content.length;
    gzip += gzipSync(content, { level: 9 }).length;
  }
  return { route, files: chunks.size, raw, gzip };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

const buildSeconds = await timedBuild();
const standalone = treeSize(join(next, "standalone"));
if (standalone.files === 0)
  fail('.next/standalone is empty: set output: "standalone" in next.config');
const payload = treeSize(join(next, "static")).bytes + treeSize(join(root, "public")).bytes;
const js = firstLoadJs();

const result = {
  buildSeconds: Number(buildSeconds.toFixed(2)),
  standaloneBytes: standalone.bytes,
  standaloneFiles: standalone.files,
  runtimeBytes: standalone.bytes + payload,
  firstLoadJsGzipBytes: js.gzip,
  firstLoadJsRawBytes: js.raw,
  firstLoadJsFiles: js.files,
};
if (asJson) {
  console.log(JSON.stringify(result));
} else {
  console.log(`build time:          ${buildSeconds.toFixed(1)} s`);
  console.log(`standalone output:   ${MB(standalone.bytes)} (${standalone.files} files)`);
  console.log(
    `image payload:       ${MB(result.runtimeBytes)} (standalone + .next/static + public)`,
  );
  console.log(`first-load JS of /:  ${kB(js.gzip)} gzip (${kB(js.raw)} raw, ${js.files} files)`);
}
