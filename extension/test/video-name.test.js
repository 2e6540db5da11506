import { test } from "node:test";
import assert from "node:assert/strict";
import { videoName } from "../lib/video-name.js";

test("a video is named by its file name, decoded", () => {
  assert.equal(videoName("https://a.example/clips/My%20clip.mp4?x=1"), "My clip.mp4");
});

test("in-page and nameless videos say what they are", () => {
  assert.equal(videoName("blob:https://a.example/6c3f"), "in-page video (blob:)");
  assert.equal(videoName("https://a.example/"), "https://a.example/");
  assert.equal(videoName("not a url"), "not a url");
});
