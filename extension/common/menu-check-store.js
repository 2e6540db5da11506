// Where a check started from the context menu stands, for the side panel to show
// ("Checking…", or why it failed), in chrome.storage.local under "menuCheck".

export const MenuCheckState = Object.freeze({ RUNNING: "running", DONE: "done", FAILED: "failed" });

export async function saveMenuCheck(url, state, message = null) {
  await chrome.storage.local.set({ menuCheck: { url, state, message, at: new Date().toISOString() } });
}

export async function loadMenuCheck() {
  return (await chrome.storage.local.get("menuCheck")).menuCheck ?? null;
}
