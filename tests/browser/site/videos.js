// A blob: video (fetched, then served from memory), a video inserted 2 s after load, and one
// inside an open shadow root: the cases a content script misses with a plain query at load.
const LATE_DELAY_MS = 2000;

fetch("/media/sample-webm.webm")
  .then((response) => response.blob())
  .then((blob) => {
    const video = document.getElementById("blob");
    video.src = URL.createObjectURL(blob);
    window.blobVideoUrl = video.src;
  });

setTimeout(() => {
  const video = document.createElement("video");
  video.id = "late";
  video.src = "/media/carphone_pristine.mp4";
  video.controls = true;
  video.muted = true;
  video.preload = "auto";
  document.getElementById("late-slot").append(video);
  window.lateVideoInserted = true;
}, LATE_DELAY_MS);

const root = document.getElementById("shadow-host").attachShadow({ mode: "open" });
root.innerHTML =
  '<style>video { display: block; width: 480px; height: 270px; }</style>' +
  '<video id="shadowed" src="/media/bikes.mp4" controls muted preload="auto"></video>';
