// WCAG AA contrast of every colour pair the badges, the extension's pages and the upload page
// use for text or state indicators, computed from the colours the code and CSS really hold.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { contrastRatio, parseColour, relativeLuminance, over, AA } from "../lib/contrast.js";
import { BADGE_STATES, BADGE_TEXT, BADGE_FOCUS, BADGE_TAG } from "../lib/palette.js";
import { BadgeState } from "../lib/badge-state.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const read = (file) => readFileSync(path.join(root, file), "utf8");

function variables(block) {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [name, value.trim()]));
}

// The custom properties of `:root`, and of `:root` inside the dark-scheme media query.
function themes(css) {
  const dark = /@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{([^}]*)\}/.exec(css);
  const light = /^:root\s*\{([^}]*)\}/m.exec(css);
  const base = variables(light[1]);
  return { light: base, dark: dark ? { ...base, ...variables(dark[1]) } : null };
}

function assertContrast(foreground, background, minimum, what) {
  const ratio = contrastRatio(foreground, background);
  assert.ok(ratio >= minimum, `${what}: ${foreground} on ${background} is ${ratio.toFixed(2)}:1, below ${minimum}:1`);
}

test("the contrast ratio is WCAG's: black on white 21, white on white 1, a known grey 4.54", () => {
  assert.equal(contrastRatio("#000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrastRatio("#fff", "#fff"), 1);
  assert.equal(contrastRatio("#767676", "#ffffff").toFixed(2), "4.54");
  assert.equal(relativeLuminance("#ffffff"), 1);
  assert.deepEqual(over(parseColour("rgba(0, 0, 0, 0.5)"), parseColour("#ffffff")), { r: 127.5, g: 127.5, b: 127.5, a: 1 });
  assert.throws(() => parseColour("papayawhip"), /Not a colour/);
});

test("every badge state has opaque colours with AA text and indicator contrast", () => {
  for (const state of Object.values(BadgeState)) {
    const colours = BADGE_STATES[state];
    assert.ok(colours, `no colours for the ${state} badge`);
    assert.equal(parseColour(colours.background).a, 1, `${state}: a badge over a video needs an opaque background`);
    assertContrast(BADGE_TEXT, colours.background, AA.text, `${state} badge text`);
    assertContrast(colours.dot, colours.background, AA.nonText, `${state} badge dot`);
  }
  assertContrast(BADGE_FOCUS, BADGE_STATES[BadgeState.ANALYSING].background, AA.nonText, "progress bar");
  assertContrast(BADGE_TAG.text, BADGE_TAG.background, AA.text, "demo tag");
  // The focus ring sits on a black halo, so it shows on any video or page.
  assertContrast(BADGE_FOCUS, "#000000", AA.nonText, "badge focus ring");
});

test("the badge states the overlay styles are the palette's, and only those", () => {
  assert.deepEqual(Object.keys(BADGE_STATES).sort(), Object.values(BadgeState).sort());
});

const PAGE_TEXT = ["fg", "muted", "accent", "real", "fake", "uncertain", "unfamiliar"];
const PAGE_INDICATORS = ["ready", "unavailable", "offline", "focus", "accent", "fake"];

test("the extension's pages pass AA in the light and the dark scheme", () => {
  const { light, dark } = themes(read("common/pages.css"));
  assert.ok(dark, "pages.css declares a dark scheme");
  for (const [scheme, colours] of Object.entries({ light, dark })) {
    for (const name of PAGE_TEXT) assertContrast(colours[name], colours.bg, AA.text, `${scheme} --${name}`);
    for (const name of PAGE_INDICATORS) assertContrast(colours[name], colours.bg, AA.nonText, `${scheme} --${name}`);
    assertContrast(colours["notice-fg"], colours["notice-bg"], AA.text, `${scheme} demo notice`);
    assertContrast(colours["credentials-fg"], colours["credentials-bg"], AA.text, `${scheme} Content Credentials`);
  }
});

test("the pages' stylesheets take their colours from those variables", () => {
  for (const file of ["sidepanel/sidepanel.css", "options/options.css"]) {
    const literal = read(file).match(/#[0-9a-f]{3,6}\b|rgba?\(/gi) ?? [];
    assert.deepEqual(literal, [], `${file} uses colours outside common/pages.css`);
  }
});

test("the upload page passes AA", () => {
  const { light: colours } = themes(read("../proxy/static/upload.css"));
  for (const name of ["fg", "muted", "real", "fake", "uncertain", "unfamiliar", "accent"]) {
    assertContrast(colours[name], colours.bg, AA.text, `upload page --${name}`);
  }
  assertContrast(colours["button-fg"], colours.accent, AA.text, "upload page button");
  assertContrast(colours["notice-fg"], colours["notice-bg"], AA.text, "upload page demo notice");
  assertContrast(colours["credentials-fg"], colours["credentials-bg"], AA.text, "upload page Content Credentials");
  for (const name of ["real", "fake", "unfamiliar", "uncertain"]) assertContrast(colours[name], colours.bg, AA.nonText, `upload page ${name} bar`);
});
