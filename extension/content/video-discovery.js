// Finds <video> elements: those present, those added later (single page apps), and those
// inside open shadow roots (which document-level queries and observers do not see).

// attachShadow() fires no mutation, so roots attached after an element was inserted are only
// found by an occasional full walk.
const RESCAN_INTERVAL_MS = 2000;

export function watchVideos(onVideo) {
  const seen = new WeakSet();
  const observedRoots = new WeakSet();
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) mutation.addedNodes.forEach(scanNode);
  });

  function report(video) {
    if (seen.has(video)) return;
    seen.add(video);
    onVideo(video);
  }

  function observe(root) {
    if (observedRoots.has(root)) return;
    observedRoots.add(root);
    observer.observe(root, { childList: true, subtree: true });
  }

  function scanNode(node) {
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
    if (node.localName === "video") report(node);
    node.querySelectorAll("video").forEach(report);
    for (const root of openShadowRoots(node)) {
      observe(root);
      scanNode(root);
    }
  }

  function scanDocument() {
    observe(document);
    scanNode(document.documentElement);
  }

  scanDocument();
  const timer = setInterval(() => {
    if (document.visibilityState === "visible") scanDocument();
  }, RESCAN_INTERVAL_MS);

  return {
    // A removed video may come back (a player moved in the page): let it be reported again.
    forget: (video) => seen.delete(video),
    stop() {
      observer.disconnect();
      clearInterval(timer);
    },
  };
}

// The open shadow roots directly or indirectly under `node` (not inside those roots).
function openShadowRoots(node) {
  const roots = [];
  if (node.shadowRoot) roots.push(node.shadowRoot);
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT);
  for (let element = walker.nextNode(); element; element = walker.nextNode()) {
    if (element.shadowRoot) roots.push(element.shadowRoot);
  }
  return roots;
}
