(function () {
  // Follow the room: ask what is live every few seconds; when it changed, load Now again.
  // Never while something is typed in a box (the reload would lose it). The event stream replaces this.
  var root = document.documentElement, url = root.getAttribute("data-follow"), shown = root.getAttribute("data-live");
  if (!url || !window.fetch) return;
  function typing() {
    var box = document.activeElement;
    return !!(box && /^(INPUT|TEXTAREA)$/.test(box.tagName) && box.value);
  }
  function check() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : shown; })
      .then(function (live) {
        if (live !== shown && !typing()) { location.replace(location.pathname); return; }
        setTimeout(check, 4000);
      }, function () { setTimeout(check, 8000); });
  }
  setTimeout(check, 4000);
})();
