// Content scripts cannot be ES modules: this classic script loads the module that does the work.
import(chrome.runtime.getURL("content/main.js")).catch((error) => {
  console.warn("Deepfake detector: content script failed to start:", error);
});
