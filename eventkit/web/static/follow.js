(function () {
  // Follow the room: the server's event stream says what is live; when it differs from what this
  // page shows, load the page again (data-href). Without EventSource (or a stream that never speaks),
  // ask every 4 s. Never reload away a form being filled in (a box with focus and text in it, anything
  // changed and not sent): say "The room has moved on" instead, and reload once the form is left as it was.
  var root = document.documentElement, url = root.getAttribute("data-follow"), shown = root.getAttribute("data-live");
  var behind = false, notice = null;
  if (!url) return;
  function changed(box) {
    if (/^(checkbox|radio)$/.test(box.type)) return box.checked !== box.defaultChecked;
    if (box.tagName === "SELECT") {
      for (var i = 0; i < box.options.length; i++) if (box.options[i].selected !== box.options[i].defaultSelected) return true;
      return false;
    }
    return box.type !== "hidden" && box.value !== box.defaultValue;
  }
  function filling() {
    var box = document.activeElement;
    if (box && /^(INPUT|TEXTAREA)$/.test(box.tagName) && box.type !== "hidden" && box.value) return true;
    var boxes = document.querySelectorAll("main input, main textarea, main select");
    for (var i = 0; i < boxes.length; i++) if (changed(boxes[i])) return true;
    return false;
  }
  function tell() {
    if (notice) return;
    notice = document.createElement("div");
    notice.className = "banner";
    notice.setAttribute("role", "status");
    var words = document.createElement("p"), link = document.createElement("a");
    link.href = root.getAttribute("data-now");
    link.textContent = "See what is on now";
    words.appendChild(document.createTextNode("The room has moved on. What you typed is kept here. "));
    words.appendChild(link);
    notice.appendChild(words);
    var main = document.getElementById("main");
    main.insertBefore(notice, main.firstChild);
  }
  function reload() {
    if (!behind) return;
    if (filling()) tell();
    else location.replace(root.getAttribute("data-href") || location.pathname);
  }
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
