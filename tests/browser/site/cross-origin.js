const otherOrigin = new URLSearchParams(location.search).get("other");
document.getElementById("foreign").src = `${otherOrigin}/protected/sample-webm.webm`;
