document.getElementById("only").src = new URLSearchParams(location.search).get("video");
