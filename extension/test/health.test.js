import { test } from "node:test";
import assert from "node:assert/strict";
import { HealthStatus, healthError, healthOfFailure, healthLabel, isReady, offlineAnswer } from "../lib/health.js";
import { HealthStatus as ClientHealthStatus } from "../lib/api-client.js";
import { AnalysisError, ErrorCode } from "../lib/errors.js";

test("a ready server lets an analysis go on", () => {
  assert.equal(healthError({ status: HealthStatus.READY, reason: null }), null);
  assert.ok(isReady({ status: HealthStatus.READY }));
});

test("an unreachable proxy stops an analysis as offline, with its reason", () => {
  const error = healthError({ status: HealthStatus.OFFLINE, reason: "Cannot reach the proxy." });
  assert.ok(error instanceof AnalysisError);
  assert.equal(error.code, ErrorCode.OFFLINE);
  assert.equal(error.message, "Cannot reach the proxy.");
});

test("a proxy without a ready model server stops an analysis as model-unavailable", () => {
  const error = healthError({ status: HealthStatus.UNAVAILABLE, reason: "no READY worker" });
  assert.equal(error.code, ErrorCode.MODEL_UNAVAILABLE);
  assert.equal(healthError({ status: HealthStatus.UNAVAILABLE }).message, "Model server unavailable");
});

test("a missing or unknown answer counts as offline", () => {
  assert.equal(healthError(undefined).code, ErrorCode.OFFLINE);
  assert.equal(healthError({ status: "strange" }).code, ErrorCode.OFFLINE);
  assert.equal(healthLabel("strange"), "Proxy offline");
});

test("failed health calls: unreachable or silent proxies are offline, other failures unavailable", () => {
  assert.equal(healthOfFailure(new AnalysisError(ErrorCode.OFFLINE, "x")).status, HealthStatus.OFFLINE);
  assert.equal(healthOfFailure(new AnalysisError(ErrorCode.TIMEOUT, "x")).status, HealthStatus.OFFLINE);
  const answer = healthOfFailure(new AnalysisError(ErrorCode.MODEL_UNAVAILABLE, "503"));
  assert.deepEqual(answer, { status: HealthStatus.UNAVAILABLE, reason: "503" });
  assert.deepEqual(offlineAnswer("gone"), { status: HealthStatus.OFFLINE, reason: "gone" });
});

test("the API client still exports the same HealthStatus", () => {
  assert.equal(ClientHealthStatus, HealthStatus);
});
