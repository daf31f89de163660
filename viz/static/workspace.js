// The workspace pages' one shared script (served from /viz/assets/workspace.js, after htmx).
// Every change a page sends carries the session's anti-forgery token: forms have it as a hidden
// field; htmx requests and fetch() calls get it here, as the X-CSRF-Token header, from
// <meta name="csrf-token"> (graph_service/web/forms.py, api/auth/csrf.py).
(function () {
  "use strict";
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }
  window.csrfHeaders = function (headers) {
    headers = headers || {};
    var t = token();
    if (t) { headers["X-CSRF-Token"] = t; }
    return headers;
  };
  document.addEventListener("htmx:configRequest", function (event) {
    var t = token();
    if (t) { event.detail.headers["X-CSRF-Token"] = t; }
  });
  // A button with data-copy="<element id>" copies that element's text (ready-made messages).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(source.innerText).then(function () {
      button.setAttribute("data-copied", "true");
      var label = button.getAttribute("data-copied-label");
      if (label) { button.textContent = label; }
    });
  });
})();
