(function () {
  // Follow the room: the server's event stream says what is live; when it differs from what this
  // page shows, load Now again. Without EventSource (or a stream that never speaks), ask every 4 s.
  // Never reload while something is typed in a box (that would lose it): wait until it is empty or sent.
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
  function check() {
    if (!window.fetch) return;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : shown; })
      .then(function (live) { seen(live); setTimeout(check, 4000); }, function () { setTimeout(check, 8000); });
  }
  if (!window.EventSource) { setTimeout(check, 4000); return; }
  // The stream's first message is the state now: none within 10 s means a proxy holds it back.
  var stream = new EventSource(root.getAttribute("data-stream")), heard = false;
  stream.addEventListener("live", function (message) { heard = true; seen(JSON.parse(message.data).live); });
  setTimeout(function () { if (!heard) { stream.close(); check(); } }, 10000);
})();
