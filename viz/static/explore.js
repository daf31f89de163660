/* The member page: search a member or a skill, see a profile, the member's map, recommended
 * partners and warm paths. Calls the JSON API on the same origin; every piece of user text is
 * inserted with textContent, never as HTML. Open #<member-id> to start on a member.
 */
(function () {
  "use strict";

  var ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
  var subsectorNames = {};
  var skillNames = {};
  var current = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function say(id, text, isError) {
    var node = $(id);
    node.textContent = text || "";
    node.className = isError ? "error" : "muted";
  }
  function api(path) {
    return fetch("/api/v1" + path, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (!r.ok) {
            var detail = body && body.detail;
            if (Array.isArray(detail)) { detail = detail.map(function (d) { return d.msg; }).join("; "); }
            throw new Error(detail || ("HTTP " + r.status));
          }
          return body;
        });
      });
  }
  function memberButton(id, label, onClick) {
    var b = el("button", "link", label);
    b.type = "button";
    b.setAttribute("data-id", id);
    b.addEventListener("click", onClick);
    return b;
  }

  // -- vocabularies ------------------------------------------------------------------------------
  api("/subsectors").then(function (items) {
    items.forEach(function (s) { subsectorNames[s.id] = s.name; });
  }).catch(function () {});
  api("/skills").then(function (items) {
    var select = $("skill");
    items.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (s) {
      skillNames[s.id] = s.name;
      var o = el("option", null, s.name);
      o.value = s.id;
      select.appendChild(o);
    });
  }).catch(function () {});

  // -- search ------------------------------------------------------------------------------------
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = $("q").value.trim();
    var skill = $("skill").value;
    var params = new URLSearchParams();
    if (q) { params.set("q", q); }
    if (skill) { params.set("skill", skill); }
    params.set("limit", "30");
    var list = $("search-results");
    clear(list);
    say("search-status", "Searching…");
    api("/members?" + params.toString()).then(function (page) {
      say("search-status", page.total + " member(s)" + (page.total > page.items.length ? ", first " + page.items.length : ""));
      page.items.forEach(function (m) {
        var li = el("li");
        li.appendChild(memberButton(m.id, m.name, function () { select(m.id); }));
        li.appendChild(el("div", "muted", (subsectorNames[m.subsectors[0]] || m.subsectors[0]) + (m.city ? " · " + m.city : "")));
        list.appendChild(li);
      });
    }).catch(function (e) { say("search-status", e.message, true); });
  });

  // -- one member --------------------------------------------------------------------------------
  function setMap(src) {
    $("member-map").src = src;
    $("map-open").href = src;
  }
  function select(id) {
    if (!ID.test(id)) { return; }
    current = id;
    if (location.hash !== "#" + id) { history.replaceState(null, "", "#" + id); }
    api("/members/" + encodeURIComponent(id)).then(showProfile).catch(function (e) {
      $("profile").hidden = false;
      $("profile-name").textContent = "Not found";
      $("profile-line").textContent = e.message;
    });
    $("map-card").hidden = false;
    setMap("/viz/members/" + encodeURIComponent(id) + "?hops=1");
    loadRecommendations(id);
    $("paths-card").hidden = false;
    clear($("paths"));
    say("paths-status", "");
    $("paths-map").hidden = true;
  }
  function showProfile(m) {
    $("profile").hidden = false;
    $("profile-name").textContent = m.name;
    $("profile-line").textContent = [m.id, m.kind, m.city].filter(Boolean).join(" · ");
    $("profile-description").textContent = m.description || "";
    var subs = $("profile-subsectors");
    clear(subs);
    m.subsectors.forEach(function (s) { subs.appendChild(el("span", null, subsectorNames[s] || s)); });
    var skills = $("profile-skills");
    clear(skills);
    m.skills.forEach(function (s) { skills.appendChild(el("span", null, skillNames[s] || s)); });
    var extra = [];
    if (m.languages && m.languages.length) { extra.push("Languages: " + m.languages.join(", ")); }
    if (m.website) { extra.push("Website: " + m.website); }
    if (m.joined) { extra.push("Member since " + m.joined); }
    $("profile-extra").textContent = extra.join(" · ");
  }
  $("map-hops-1").addEventListener("click", function (e) {
    e.preventDefault();
    if (current) { setMap("/viz/members/" + encodeURIComponent(current) + "?hops=1"); }
  });
  $("map-hops-2").addEventListener("click", function (e) {
    e.preventDefault();
    if (current) { setMap("/viz/members/" + encodeURIComponent(current) + "?hops=2"); }
  });

  function loadRecommendations(id) {
    var list = $("recommendations");
    clear(list);
    $("recommendations-card").hidden = false;
    say("recommendations-status", "Looking for partners…");
    api("/members/" + encodeURIComponent(id) + "/recommendations?limit=8").then(function (answer) {
      say("recommendations-status", answer.items.length ? "" : "No recommendation for now.");
      answer.items.forEach(function (r) {
        var li = el("li");
        li.appendChild(memberButton(r.id, r.name, function () { select(r.id); }));
        li.appendChild(el("span", "muted", " score " + r.score.toFixed(2) + " "));
        var how = memberButton(r.id, "who can introduce us?", function () {
          $("target").value = r.id;
          findPaths(id, r.id);
        });
        li.appendChild(how);
        var reasons = el("ul", "reasons");
        r.reasons.forEach(function (text) { reasons.appendChild(el("li", null, text)); });
        li.appendChild(reasons);
        list.appendChild(li);
      });
    }).catch(function (e) { say("recommendations-status", e.message, true); });
  }

  // -- warm paths --------------------------------------------------------------------------------
  function findPaths(from, to) {
    var list = $("paths");
    clear(list);
    $("paths-map").hidden = true;
    if (!ID.test(to)) { say("paths-status", "Enter a member id such as m-150.", true); return; }
    say("paths-status", "Looking for paths…");
    Promise.all([
      api("/members/" + encodeURIComponent(from) + "/paths/" + encodeURIComponent(to)),
      api("/members/" + encodeURIComponent(to)),
      api("/members/" + encodeURIComponent(from)),
    ]).then(function (results) {
      var answer = results[0];
      var names = {};
      names[to] = results[1].name;
      names[from] = results[2].name;
      say("paths-status", answer.message);
      answer.items.forEach(function (p) {
        p.intermediaries.forEach(function (x) { names[x.id] = x.name; });
        var li = el("li", "path");
        li.appendChild(el("div", null, p.members.map(function (n) { return names[n] || n; }).join(" → ")));
        li.appendChild(el("div", "muted", "trust " + p.trust.toFixed(2) + " · " + p.length + " hop(s)"));
        list.appendChild(li);
      });
      if (answer.items.length) {
        var link = $("paths-map");
        var href = "/viz/paths/" + encodeURIComponent(from) + "/" + encodeURIComponent(to);
        link.href = href;
        link.hidden = false;
      }
    }).catch(function (e) { say("paths-status", e.message, true); });
  }
  $("paths-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (current) { findPaths(current, $("target").value.trim()); }
  });
  $("paths-map").addEventListener("click", function (event) {
    event.preventDefault();
    var href = $("paths-map").getAttribute("href");
    if (href && href.indexOf("/viz/paths/") === 0) { setMap(href); }
  });

  var start = decodeURIComponent(location.hash.replace(/^#/, ""));
  if (ID.test(start)) { select(start); }
}());
