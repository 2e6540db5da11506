import { test } from "node:test";
import assert from "node:assert/strict";
import { readCapped, declaredLength, uploadContentType, isDownloadableUrl } from "../lib/download.js";

// A real Response streaming `chunks`, as a server would send them.
function responseOf(chunks, headers = {}) {
  let sent = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (sent < chunks.length) controller.enqueue(new Uint8Array(chunks[sent++]));
      else controller.close();
    },
  });
  return { response: new Response(body, { headers }), sent: () => sent };
}

test("reads all chunks in order and reports progress when the length is known", async () => {
  const { response } = responseOf([[1, 2], [3], [4, 5, 6]], { "content-length": "6" });
  const progress = [];
  const bytes = await readCapped(response, 100, (f) => progress.push(f));
  assert.deepEqual([...bytes], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(progress, [2 / 6, 3 / 6, 1]);
});

test("refuses before reading when the declared length is over the cap", async () => {
  const { response, sent } = responseOf([[1, 2, 3]], { "content-length": "1000" });
  await assert.rejects(readCapped(response, 10), (error) => error.code === "too-large");
  assert.equal(sent(), 0);
});

test("stops reading once an undeclared body passes the cap", async () => {
  const chunks = Array.from({ length: 50 }, () => new Array(10).fill(7));
  const { response, sent } = responseOf(chunks);
  await assert.rejects(readCapped(response, 25), (error) => error.code === "too-large");
  assert.ok(sent() < 10, `read ${sent()} chunks`);
});

test("a body exactly at the cap is accepted", async () => {
  const { response } = responseOf([[1, 2], [3, 4]]);
  assert.equal((await readCapped(response, 4)).length, 4);
});

test("content length and type from headers", () => {
  assert.equal(declaredLength(new Headers({ "content-length": "42" })), 42);
  assert.equal(declaredLength(new Headers({ "content-length": "4x" })), null);
  assert.equal(declaredLength(new Headers()), null);
  assert.equal(uploadContentType(new Headers({ "content-type": "video/webm; codecs=vp8" })), "video/webm");
  assert.equal(uploadContentType(new Headers({ "content-type": "binary/octet-stream" })), "application/octet-stream");
  assert.equal(uploadContentType(new Headers()), "application/octet-stream");
});

test("only http(s) sources are downloadable", () => {
  assert.ok(isDownloadableUrl("https://a.example/v.mp4"));
  assert.ok(isDownloadableUrl("HTTP://a.example/v.mp4"));
  assert.ok(!isDownloadableUrl("blob:https://a.example/123"));
  assert.ok(!isDownloadableUrl(""));
});
