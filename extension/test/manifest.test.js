// The manifest asks for the least that works and names only files that exist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const manifest = JSON.parse(readFileSync(path.join(root, "manifest.json"), "utf8"));

test("it is a Manifest V3 extension with a module service worker", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.background.type, "module");
});

test("permissions are storage, the side panel and the context menu; hosts only the local proxy", () => {
  assert.deepEqual([...manifest.permissions].sort(), ["contextMenus", "sidePanel", "storage"]);
  assert.deepEqual(manifest.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
});

test("other sites are optional: asked for one origin at a time, never at install", () => {
  assert.deepEqual(manifest.optional_host_permissions, ["http://*/*", "https://*/*"]);
  assert.equal(manifest.optional_permissions, undefined);
});

test("every file the manifest names exists", () => {
  const files = [
    manifest.background.service_worker,
    manifest.side_panel.default_path,
    manifest.options_page,
    ...manifest.content_scripts.flatMap((script) => script.js),
    ...Object.values(manifest.icons),
    ...Object.values(manifest.action.default_icon),
  ];
  for (const file of files) assert.ok(existsSync(path.join(root, file)), `${file} is missing`);
});

test("the content script is offered on every page and frame", () => {
  const [script] = manifest.content_scripts;
  assert.deepEqual(script.matches, ["<all_urls>"]);
  assert.equal(script.all_frames, true);
});
