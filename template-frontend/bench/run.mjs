#!/usr/bin/env node
// Production build benchmark: how long the build of `make check` and CI takes against a minimal
// Next app of the same version (bench/floor, built in the same run, interleaved), how big the
// deployable standalone output is, and how much JavaScript a browser downloads on its first
// visit to `/`.
// Usage: node bench/run.mjs [--json] [--runs=N] [--timeout=SECONDS]
// Every build starts from an empty .next, as in CI and the image. The sizes come from Next's own
// build manifests, so they match what the image serves.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const floor = join(root, "bench", "floor");
const next = join(root, ".next");
const args = process.argv.slice(2);
const asJson = args.includes("--json");
const option = (name, fallback) =>
  Number(args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const timeoutSeconds = option("timeout", process.env.BENCH_TIMEOUT_SECONDS ?? 600);
const runs = option("runs", 3);
// The generated app's build may take this many times the floor's.
const RATIO_TARGET = 1.4;

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

if (!Number.isInteger(runs) || runs < 1) fail("--runs must be a whole number of at least 1");

/** Runs a build from an empty .next, its output on stderr, killed when it exceeds the bound. */
function timedBuild(cwd, command, env = {}) {
  rmSync(join(cwd, ".next"), { recursive: true, force: true });
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const child = spawn("pnpm", command, {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: ["ignore", process.stderr, process.stderr],
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(`the build in ${cwd} took longer than ${timeoutSeconds} s and was stopped`);
    }, timeoutSeconds * 1000);
    child.on("error", (error) => fail(`could not start pnpm: ${error.message}`));
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) fail(`the build in ${cwd} failed (exit code ${code})`);
      done(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

// As `make check` and CI build it: they check the types in a step of their own. The floor is
// built as `next build` builds any app, type check included.
const buildApp = () => timedBuild(root, ["run", "build"], { BUILD_SKIP_TYPECHECK: "1" });
const buildFloor = () => timedBuild(floor, ["exec", "next", "build"]);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

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

// Interleaved, the order swapped every run, so a busier moment weighs on both alike. Each app
// keeps its own .next: the sizes below measure the app's last build.
const appTimes = [];
const floorTimes = [];
for (let run = 0; run < runs; run += 1) {
  if (run % 2 === 0) {
    floorTimes.push(await buildFloor());
    appTimes.push(await buildApp());
  } else {
    appTimes.push(await buildApp());
    floorTimes.push(await buildFloor());
  }
}
const buildSeconds = median(appTimes);
const floorSeconds = median(floorTimes);
const ratio = median(appTimes.map((seconds, run) => seconds / floorTimes[run]));

const standalone = treeSize(join(next, "standalone"));
if (standalone.files === 0)
  fail('.next/standalone is empty: set output: "standalone" in next.config');
const payload = treeSize(join(next, "static")).bytes + treeSize(join(root, "public")).bytes;
const js = firstLoadJs();

const result = {
  runs,
  buildSeconds: Number(buildSeconds.toFixed(2)),
  floorBuildSeconds: Number(floorSeconds.toFixed(2)),
  buildRatio: Number(ratio.toFixed(2)),
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
  const seconds = (times) => times.map((time) => time.toFixed(1)).join(", ");
  console.log(`build time:          ${buildSeconds.toFixed(1)} s (median of ${seconds(appTimes)})`);
  console.log(
    `floor build time:    ${floorSeconds.toFixed(1)} s (median of ${seconds(floorTimes)})`,
  );
  console.log(
    `build vs floor:      ${ratio.toFixed(2)}x (median per run; target <= ${RATIO_TARGET}x, ` +
      `${ratio <= RATIO_TARGET ? "met" : "missed"})`,
  );
  console.log(`standalone output:   ${MB(standalone.bytes)} (${standalone.files} files)`);
  console.log(
    `image payload:       ${MB(result.runtimeBytes)} (standalone + .next/static + public)`,
  );
  console.log(`first-load JS of /:  ${kB(js.gzip)} gzip (${kB(js.raw)} raw, ${js.files} files)`);
}
