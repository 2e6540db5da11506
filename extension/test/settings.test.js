import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SETTINGS, normaliseProxyUrl, withDefaults, apiUrl } from "../lib/settings.js";

test("defaults: local proxy, nothing analysed without a click", () => {
  assert.deepEqual(withDefaults(), { proxyUrl: "http://127.0.0.1:8000", autoAnalyse: false });
  assert.deepEqual(withDefaults(undefined), { ...DEFAULT_SETTINGS });
});

test("proxy URLs are normalised without a trailing slash", () => {
  assert.equal(normaliseProxyUrl(" http://127.0.0.1:9000/ "), "http://127.0.0.1:9000");
  assert.equal(normaliseProxyUrl("https://detector.example/base/"), "https://detector.example/base");
  assert.equal(apiUrl(normaliseProxyUrl("http://h:1/"), "predict"), "http://h:1/api/predict");
});

test("bad proxy URLs are refused with a helpful message", () => {
  assert.throws(() => normaliseProxyUrl("localhost:8000"), /http/);
  assert.throws(() => normaliseProxyUrl("ftp://h/"), /http:\/\/ or https:\/\//);
  assert.throws(() => normaliseProxyUrl("not a url"), /Not a URL/);
  assert.throws(() => normaliseProxyUrl("http://user:pw@h/"), /credentials/);
  assert.throws(() => normaliseProxyUrl("http://h/?x=1"), /query/);
});

test("broken stored values fall back to defaults", () => {
  assert.deepEqual(withDefaults({ proxyUrl: "javascript:alert(1)", autoAnalyse: "yes" }), { ...DEFAULT_SETTINGS });
  assert.deepEqual(withDefaults({ proxyUrl: "http://10.0.0.2:8000/", autoAnalyse: true }), {
    proxyUrl: "http://10.0.0.2:8000",
    autoAnalyse: true,
  });
});
