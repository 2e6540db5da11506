// The extension's code names its states and error codes through the exported constants
// (lib/errors.js ErrorCode, lib/health.js HealthStatus, ...), never as bare string literals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === "test" ? [] : sourceFiles(file);
    return name.endsWith(".js") ? [file] : [];
  });
}

const sources = sourceFiles(root).map((file) => ({ file: path.relative(root, file), text: readFileSync(file, "utf8") }));

test("errors are made with an ErrorCode, never a literal code", () => {
  const offenders = sources.filter(({ text }) => /new AnalysisError\(\s*["'`]/.test(text)).map(({ file }) => file);
  assert.deepEqual(offenders, []);
});

test("health answers are compared through lib/health.js, never with a literal status", () => {
  const offenders = sources
    .filter(({ file }) => file !== path.join("lib", "health.js"))
    .filter(({ text }) => /status\s*[!=]==?\s*["'`]|["'`]\s*[!=]==?\s*\w+\.status\b|status:\s*["'`](ready|offline|unavailable)["'`]/.test(text))
    .map(({ file }) => file);
  assert.deepEqual(offenders, []);
});

test("the sources were found", () => {
  assert.ok(sources.some(({ file }) => file === "background.js"));
  assert.ok(sources.length > 20);
});
