// Redrawing a list must not throw a keyboard user's focus away: `redraw()` replaces the
// children of `container`, then the element carrying the same `data-<attribute>` as the one
// that had the focus gets it back.

export function redrawKeepingFocus(container, attribute, redraw) {
  const active = container.contains(document.activeElement) ? document.activeElement : null;
  const focused = active?.dataset[attribute];
  redraw();
  if (focused === undefined) return;
  const again = [...container.querySelectorAll(`${active.localName}[data-${attribute}]`)].find(
    (element) => element.dataset[attribute] === focused,
  );
  again?.focus();
}
