import { test } from "node:test";
import assert from "node:assert/strict";
import { originPattern, originOf, patternMatches, coversUrl, grantedSites } from "../lib/host-access.js";

test("a video URL's origin pattern names its scheme, host and port only", () => {
  assert.equal(originPattern("http://127.0.0.2:41045/media/a.mp4?x=1#t=3"), "http://127.0.0.2:41045/*");
  assert.equal(originPattern("https://cdn.example.net/v/a.webm"), "https://cdn.example.net/*");
  assert.equal(originPattern("blob:http://127.0.0.1/1234"), null);
  assert.equal(originPattern("not a url"), null);
  assert.equal(originOf("https://cdn.example.net/v/a.webm"), "https://cdn.example.net");
});

test("<all_urls> covers every web video; the content script's default grant", () => {
  assert.ok(coversUrl(["<all_urls>"], "https://cdn.example.net/a.mp4"));
  assert.ok(coversUrl(["<all_urls>"], "http://127.0.0.2:9/a.mp4"));
  assert.ok(!coversUrl(["<all_urls>"], "chrome://settings"));
});

test("a pattern without a port covers every port; with one, only that port", () => {
  assert.ok(patternMatches("http://127.0.0.1/*", "http://127.0.0.1:8000/api/predict"));
  assert.ok(patternMatches("http://127.0.0.2:41045/*", "http://127.0.0.2:41045/media/a.mp4"));
  assert.ok(!patternMatches("http://127.0.0.2:41045/*", "http://127.0.0.2:41046/media/a.mp4"));
  assert.ok(patternMatches("https://example.net/*", "https://example.net:443/a"));
});

test("scheme, host wildcards and paths follow Chrome's match patterns", () => {
  assert.ok(patternMatches("*://*.example.net/*", "https://cdn.example.net/a"));
  assert.ok(patternMatches("*://*.example.net/*", "http://example.net/a"));
  assert.ok(!patternMatches("*://*.example.net/*", "https://example.org/a"));
  assert.ok(!patternMatches("*://*.example.net/*", "ftp://cdn.example.net/a"));
  assert.ok(!patternMatches("https://example.net/*", "http://example.net/a"));
  assert.ok(patternMatches("https://example.net/videos/*", "https://example.net/videos/a.mp4"));
  assert.ok(!patternMatches("https://example.net/videos/*", "https://example.net/images/a.png"));
  assert.ok(!patternMatches("garbage", "https://example.net/"));
});

test("a restricted extension covers only its granted sites", () => {
  const granted = ["http://127.0.0.1/*", "http://localhost/*"];
  assert.ok(coversUrl(granted, "http://127.0.0.1:5000/media/a.mp4"));
  assert.ok(!coversUrl(granted, "http://127.0.0.2:5000/media/a.mp4"));
  assert.ok(!coversUrl(undefined, "http://127.0.0.1/"));
});

test("granted sites are listed by origin, 'all sites' apart", () => {
  const { all, sites } = grantedSites(["<all_urls>", "http://localhost/*", "http://127.0.0.2:41045/*"]);
  assert.equal(all, true);
  assert.deepEqual(sites.map((site) => site.label), ["http://127.0.0.2:41045", "http://localhost"]);
  assert.equal(grantedSites(["http://127.0.0.1/*"]).all, false);
  assert.deepEqual(grantedSites(undefined), { all: false, sites: [] });
});
