// How the history names a video. Pure.

// A short name for a video: its file name, or what kind of source it was.
export function videoName(url) {
  if (url.startsWith("blob:")) return "in-page video (blob:)";
  try {
    const name = new URL(url).pathname.split("/").filter(Boolean).pop();
    return name ? decodeURIComponent(name) : url;
  } catch {
    return url;
  }
}
