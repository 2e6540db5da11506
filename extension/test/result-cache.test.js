import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cacheKey,
  lookup,
  remember,
  updateEntry,
  staleExplanationKeys,
  explanationStorageKey,
  selectedEntry,
} from "../lib/result-cache.js";

const entry = (key, version = "1.0") => ({ key, url: key, result: { probability: 0.3, model: { version } } });

test("http(s) URLs are keyed without their fragment", () => {
  assert.equal(cacheKey("https://a.example/v.mp4#t=10"), "https://a.example/v.mp4");
  assert.equal(cacheKey("http://a.example/v.mp4?x=1"), "http://a.example/v.mp4?x=1");
});

test("blob: URLs are their own key, other schemes and garbage are not cacheable", () => {
  const blob = "blob:http://127.0.0.1:8080/2f0c-11";
  assert.equal(cacheKey(blob), blob);
  assert.equal(cacheKey("data:video/mp4;base64,AAAA"), null);
  assert.equal(cacheKey("not a url"), null);
  assert.equal(cacheKey(""), null);
});

test("lookup finds by key, and can insist on the model version", () => {
  const history = [entry("a"), entry("b", "2.0")];
  assert.equal(lookup(history, "b").key, "b");
  assert.equal(lookup(history, "b", "2.0").key, "b");
  assert.equal(lookup(history, "b", "1.0"), null);
  assert.equal(lookup(history, "c"), null);
  assert.equal(lookup(history, null), null);
});

test("remember puts the newest first, replaces the same key, and caps the length", () => {
  let history = [];
  for (const key of ["a", "b", "c"]) history = remember(history, entry(key), 3);
  assert.deepEqual(history.map((e) => e.key), ["c", "b", "a"]);
  history = remember(history, entry("a"), 3);
  assert.deepEqual(history.map((e) => e.key), ["a", "c", "b"]);
  history = remember(history, entry("d"), 3);
  assert.deepEqual(history.map((e) => e.key), ["d", "a", "c"]);
});

test("remember does not modify the history it was given", () => {
  const history = [entry("a")];
  remember(history, entry("b"));
  assert.equal(history.length, 1);
});

test("updateEntry merges changes into one entry only", () => {
  const history = updateEntry([entry("a"), entry("b")], "b", { explanation: "ready" });
  assert.equal(history[1].explanation, "ready");
  assert.equal(history[0].explanation, undefined);
});

test("explanations beyond the newest few, or of forgotten entries, are stale", () => {
  const history = ["a", "b", "c"].map((key) => entry(key));
  const stored = ["settings", "history", ...["a", "b", "c", "gone"].map(explanationStorageKey)];
  assert.deepEqual(staleExplanationKeys(history, stored, 2), [explanationStorageKey("c"), explanationStorageKey("gone")]);
});

test("the selected entry, or the newest when the selection is gone", () => {
  const history = [entry("a"), entry("b")];
  assert.equal(selectedEntry(history, "b").key, "b");
  assert.equal(selectedEntry(history, "zzz").key, "a");
  assert.equal(selectedEntry([], "a"), null);
});
