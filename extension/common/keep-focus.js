// Redrawing a list must not throw a keyboard user's focus away: `redraw()` replaces the
// children of `container`, then the element carrying the same `data-<attribute>` as the one
// that had the focus gets it back.

export function redrawKeepingFocus(container, attribute, redraw) {
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset[attribute] : undefined;
  redraw();
  if (focused === undefined) return;
  const again = [...container.querySelectorAll(`[data-${attribute}]`)].find((element) => element.dataset[attribute] === focused);
  again?.focus();
}
