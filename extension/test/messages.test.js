import { test } from "node:test";
import assert from "node:assert/strict";
import { MessageType, validateMessage, createRouter, unwrap } from "../lib/messages.js";
import { AnalysisError } from "../lib/errors.js";

const analyseUrl = { type: MessageType.ANALYSE_URL, url: "https://a.example/v.mp4", videoId: "f-1" };

test("well-formed messages pass validation", () => {
  assert.equal(validateMessage(analyseUrl), null);
  assert.equal(validateMessage({ type: MessageType.HEALTH }), null);
  assert.equal(validateMessage({ type: MessageType.CLEAR_HISTORY }), null);
  assert.equal(validateMessage({ type: MessageType.ANALYSE_FRAMES, url: "blob:x", videoId: "1", frames: ["AAAA"] }), null);
});

test("malformed messages are refused with the offending field", () => {
  assert.match(validateMessage(null), /object/);
  assert.match(validateMessage({ type: "nope" }), /Unknown message type/);
  assert.match(validateMessage({ ...analyseUrl, url: "blob:http://x/1" }), /url/);
  assert.match(validateMessage({ ...analyseUrl, videoId: "" }), /videoId/);
  assert.match(validateMessage({ type: MessageType.ANALYSE_FRAMES, url: "blob:x", videoId: "1", frames: [] }), /frames/);
  assert.match(validateMessage({ type: MessageType.ANALYSE_FRAMES, url: "blob:x", videoId: "1", frames: [1] }), /frames/);
});

test("the router answers a handler's value", async () => {
  const route = createRouter({ [MessageType.HEALTH]: async () => ({ status: "ready" }) });
  assert.deepEqual(await route({ type: MessageType.HEALTH }, {}), { ok: true, value: { status: "ready" } });
});

test("the router passes the message and its sender to the handler", async () => {
  const route = createRouter({ [MessageType.ANALYSE_URL]: (message, sender) => [message.url, sender.tab.id] });
  const answer = await route(analyseUrl, { tab: { id: 7 } });
  assert.deepEqual(answer.value, ["https://a.example/v.mp4", 7]);
});

test("the router turns thrown errors into {code, message} answers", async () => {
  const route = createRouter({
    [MessageType.HEALTH]: () => {
      throw new AnalysisError("offline", "Cannot reach the proxy.");
    },
    [MessageType.LOOKUP]: () => {
      throw new Error("boom");
    },
  });
  assert.deepEqual(await route({ type: MessageType.HEALTH }, {}), {
    ok: false,
    error: { code: "offline", message: "Cannot reach the proxy." },
  });
  assert.deepEqual((await route({ type: MessageType.LOOKUP, url: "x" }, {})).error, { code: "internal", message: "boom" });
});

test("the router refuses invalid or unhandled messages without calling anything", async () => {
  let called = false;
  const route = createRouter({ [MessageType.HEALTH]: () => (called = true) });
  assert.equal((await route({ type: "nope" }, {})).error.code, "bad-message");
  assert.equal((await route(analyseUrl, {})).error.code, "bad-message");
  assert.equal(called, false);
});

test("unwrap gives the value or throws the carried error", () => {
  assert.equal(unwrap({ ok: true, value: 3 }), 3);
  assert.throws(() => unwrap({ ok: false, error: { code: "tainted", message: "no" } }), (error) => error.code === "tainted");
  assert.throws(() => unwrap(undefined), (error) => error.code === "no-answer");
});
