(function () {
  // Follow the room (docs/architecture.md): when the event stream (else /live every 4 s) differs from
  // this page's data-live, load it again; while a form is being filled in, only say so.
  var d = document, r = d.documentElement, url = r.getAttribute("data-follow"), shown = r.getAttribute("data-live");
  var behind = false, told = false;
  if (!url) return;
  function filling() {
    var b = d.activeElement;
    return !!(b && b.form && b.value && /^(INPUT|TEXTAREA)$/.test(b.tagName)) ||
      [].some.call(d.querySelectorAll("main input,main textarea"), function (b) {
        return /^(radio|checkbox)$/.test(b.type) ? b.checked !== b.defaultChecked : b.value !== b.defaultValue;
      });
  }
  function tell() {
    var m = d.getElementById("main"), box = d.createElement("div");
    told = true;
    box.className = "banner";
    box.setAttribute("role", "status");
    box.innerHTML = "<p>The room has moved on. What you typed is kept here. <a href=\"" + r.getAttribute("data-now") +
      "\">See what is on now</a></p>";
    m.insertBefore(box, m.firstChild);
  }
  function reload() { if (behind) { if (!filling()) location.replace(r.getAttribute("data-href")); else if (!told) tell(); } }
  function seen(live) { if (live !== shown) { behind = true; reload(); } }
  setInterval(reload, 1000);
  function check() {
    if (!window.fetch) return;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : shown; })
      .then(function (live) { seen(live); setTimeout(check, 4000); }, function () { setTimeout(check, 8000); });
  }
  if (!window.EventSource) { setTimeout(check, 4000); return; }
  var stream = new EventSource(r.getAttribute("data-stream")), heard = false; // silent 10 s: a proxy holds it
  stream.addEventListener("live", function (m) { heard = true; seen(JSON.parse(m.data).live); });
  setTimeout(function () { if (!heard) { stream.close(); check(); } }, 10000);
})();
