(function () {
  // Follow the room: the server's event stream says what is live; when it differs from what this
  // page shows, load Now again. Without EventSource, ask every few seconds. Never reload while
  // something is typed in a box (that would lose it): wait until the box is empty or sent.
  var root = document.documentElement, url = root.getAttribute("data-follow"), shown = root.getAttribute("data-live");
  var behind = false;
  if (!url) return;
  function typing() {
    var box = document.activeElement;
    return !!(box && /^(INPUT|TEXTAREA)$/.test(box.tagName) && box.value);
  }
  function reload() { if (behind && !typing()) location.replace(location.pathname); }
  function seen(live) { if (live !== shown) { behind = true; reload(); } }
  setInterval(reload, 1000);
  if (window.EventSource) {
    var stream = new EventSource(root.getAttribute("data-stream"));
    stream.addEventListener("live", function (message) { seen(JSON.parse(message.data).live); });
    return;
  }
  if (!window.fetch) return;
  function check() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : shown; })
      .then(function (live) { seen(live); setTimeout(check, 4000); }, function () { setTimeout(check, 8000); });
  }
  setTimeout(check, 4000);
})();
