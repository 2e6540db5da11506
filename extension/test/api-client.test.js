import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { createApiClient, errorFromAnswer, checkPrediction, framesBody, HealthStatus, retryDelayMs, coverageOf } from "../lib/api-client.js";

async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("the proxy's {error, code} becomes the error", () => {
  const error = errorFromAnswer(400, { error: "Cannot decode the video.", code: "bad_video" });
  assert.equal(error.code, "bad_video");
  assert.equal(error.message, "Cannot decode the video.");
});

test("503 means the model server is unavailable (shown as offline)", () => {
  const error = errorFromAnswer(503, { error: "TorchServe is not reachable", code: "upstream_unavailable" });
  assert.equal(error.code, "model-unavailable");
  assert.match(error.message, /TorchServe is not reachable/);
});

test("413 is a too-large video; a bodiless failure still says its status", () => {
  assert.equal(errorFromAnswer(413, null).code, "too-large");
  const error = errorFromAnswer(502, null);
  assert.equal(error.code, "http-502");
  assert.match(error.message, /HTTP 502/);
});

test("a prediction must carry label, probability and confidence", () => {
  const good = { label: "fake", probability: 0.9, confidence: 0.9 };
  assert.equal(checkPrediction(good), good);
  for (const bad of [null, {}, { ...good, label: "maybe" }, { ...good, probability: "0.9" }, { label: "real", probability: 0.1 }]) {
    assert.throws(() => checkPrediction(bad), (error) => error.code === "bad-response");
  }
});

test("frames are sent as bare base64, data: URL prefixes removed", () => {
  const body = JSON.parse(framesBody(["data:image/jpeg;base64,AAAA", "BBBB"]));
  assert.deepEqual(body, { frames: ["AAAA", "BBBB"] });
});

test("the sampling rate goes along when it is known", () => {
  assert.equal(JSON.parse(framesBody(["AAAA"], 2.5)).fps, 2.5);
  for (const fps of [undefined, 0, -1, Infinity, Number.NaN]) assert.equal("fps" in JSON.parse(framesBody(["AAAA"], fps)), false);
});

test("an unreachable proxy is offline, with its address in the reason", async () => {
  const proxyUrl = `http://127.0.0.1:${await closedPort()}`;
  const api = createApiClient(proxyUrl);
  const health = await api.health();
  assert.equal(health.status, HealthStatus.OFFLINE);
  assert.match(health.reason, new RegExp(proxyUrl.replace(/[.]/g, "\\.")));
  await assert.rejects(api.predictFrames(["AAAA"]), (error) => error.code === "offline");
});

function answer(status, body, headers = {}) {
  return { ok: status >= 200 && status < 300, status, headers: new Headers(headers), json: async () => body };
}

const PREDICTION = { label: "real", probability: 0.2, confidence: 0.8 };
const WORKER_DIED = { error: "the worker stopped", code: "worker_died" };

test("only a dead worker's 503 is worth sending again, after Retry-After (capped)", () => {
  assert.equal(retryDelayMs(503, WORKER_DIED, "2"), 2000);
  assert.equal(retryDelayMs(503, WORKER_DIED, null), 1000);
  assert.equal(retryDelayMs(503, WORKER_DIED, "3600"), 10000);
  assert.equal(retryDelayMs(503, { error: "busy", code: "busy" }, "2"), null);
  assert.equal(retryDelayMs(400, WORKER_DIED, "2"), null);
});

test("an analysis whose worker died is sent once more and answers", async () => {
  const sent = [];
  const waited = [];
  const answers = [answer(503, WORKER_DIED, { "Retry-After": "2" }), answer(200, PREDICTION)];
  const fetchImpl = async (url, init) => {
    sent.push(init.body);
    return answers.shift();
  };
  const api = createApiClient("http://127.0.0.1:8000", fetchImpl, async (ms) => waited.push(ms));
  assert.deepEqual(await api.predictFrames(["AAAA"], 2), PREDICTION);
  assert.equal(sent.length, 2);
  assert.equal(sent[0], sent[1]);
  assert.deepEqual(waited, [2000]);
});

test("past the one retry, a dead worker is a clear model-unavailable error", async () => {
  let calls = 0;
  const fetchImpl = async () => {
    calls += 1;
    return answer(503, WORKER_DIED, { "Retry-After": "1" });
  };
  const api = createApiClient("http://127.0.0.1:8000", fetchImpl, async () => {});
  await assert.rejects(api.predictBytes(new Uint8Array([1]), "video/mp4"), (error) => {
    assert.equal(error.code, "model-unavailable");
    assert.match(error.message, /worker stopped/);
    return true;
  });
  assert.equal(calls, 2);
});

test("health checks and other errors are never retried", async () => {
  let calls = 0;
  const fetchImpl = async () => {
    calls += 1;
    return answer(503, WORKER_DIED);
  };
  const api = createApiClient("http://127.0.0.1:8000", fetchImpl, async () => {});
  assert.equal((await api.health()).status, HealthStatus.UNAVAILABLE);
  assert.equal(calls, 1);
});

test("a whole-video prediction asks for coverage=full; the default one does not", async () => {
  const { createServer } = await import("node:http");
  const paths = [];
  const server = createServer((request, response) => {
    paths.push(request.url);
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ label: "real", probability: 0.1, confidence: 0.9 }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { Coverage } = await import("../lib/api-client.js");
    const api = createApiClient(`http://127.0.0.1:${server.address().port}`);
    await api.predictBytes(new Uint8Array([1, 2, 3]), "video/mp4");
    await api.predictBytes(new Uint8Array([1, 2, 3]), "video/mp4", Coverage.FULL);
    assert.deepEqual(paths, ["/api/predict", "/api/predict?coverage=full"]);
    assert.equal(coverageOf({ coverage: { mode: "full", window_s: 4 } }), Coverage.FULL);
    assert.equal(coverageOf({ label: "real" }), Coverage.SAMPLED);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
