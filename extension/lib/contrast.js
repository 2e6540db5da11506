// WCAG 2.x contrast between colours. Pure: the unit tests check every colour pair the badges,
// the extension's pages and the upload page draw text or state indicators with.

// "#rgb", "#rrggbb" or "rgb(r, g, b)" / "rgba(r, g, b, a)" -> {r, g, b, a} (0-255, alpha 0-1).
export function parseColour(text) {
  const value = String(text).trim().toLowerCase();
  let match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(value);
  if (match) {
    const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join("") : match[1];
    return { r: parseInt(hex.slice(0, 2), 16), g: parseInt(hex.slice(2, 4), 16), b: parseInt(hex.slice(4, 6), 16), a: 1 };
  }
  match = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(value);
  if (match) return { r: +match[1], g: +match[2], b: +match[3], a: match[4] === undefined ? 1 : +match[4] };
  throw new TypeError(`Not a colour this check reads: ${text}`);
}

// `top` drawn over the opaque `bottom`.
export function over(top, bottom) {
  const mix = (a, b) => a * top.a + b * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

function channel(value) {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(colour) {
  const { r, g, b } = typeof colour === "string" ? parseColour(colour) : colour;
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

// The contrast ratio (1..21) of `foreground` on the opaque `background`.
export function contrastRatio(foreground, background) {
  const back = typeof background === "string" ? parseColour(background) : background;
  const fore = over(typeof foreground === "string" ? parseColour(foreground) : foreground, back);
  const [light, dark] = [relativeLuminance(fore), relativeLuminance(back)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

// WCAG AA: 4.5:1 for text (3:1 when large), 3:1 for the parts of controls and state indicators.
export const AA = Object.freeze({ text: 4.5, largeText: 3, nonText: 3 });
