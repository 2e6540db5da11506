import { test } from "node:test";
import assert from "node:assert/strict";
import { createTimedCache } from "../lib/timed-cache.js";

function counter() {
  let calls = 0;
  return { compute: async () => ++calls, calls: () => calls };
}

test("a value is computed once while fresh, again once stale", async () => {
  let clock = 0;
  const cache = createTimedCache(1000, () => clock);
  const source = counter();
  assert.equal(await cache.get("a", source.compute), 1);
  clock = 999;
  assert.equal(await cache.get("a", source.compute), 1);
  clock = 1000;
  assert.equal(await cache.get("a", source.compute), 2);
});

test("another key, or forget(), computes again", async () => {
  const cache = createTimedCache(1000, () => 0);
  const source = counter();
  await cache.get("a", source.compute);
  assert.equal(await cache.get("b", source.compute), 2);
  cache.forget();
  assert.equal(await cache.get("b", source.compute), 3);
});

test("a failed computation is not remembered", async () => {
  const cache = createTimedCache(1000, () => 0);
  await assert.rejects(cache.get("a", async () => { throw new Error("down"); }));
  assert.equal(await cache.get("a", async () => "up"), "up");
});
