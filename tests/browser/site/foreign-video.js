document.getElementById("foreign").src = new URLSearchParams(location.search).get("video");
