/* The member page: search a member or a skill, see a profile, the member's map, recommended
 * partners and warm paths. Calls the JSON API on the same origin; every piece of user text is
 * inserted with textContent, never as HTML. Open #<member-id> to start on a member (a member
 * starts on themselves).
 *
 * Who is looking is on <main data-role data-me>: the manager sees anyone's partners and warm
 * paths; a member sees their own, and on someone else's profile only "who can introduce me to
 * them" (their own point of view): nothing the API keeps for that other member is asked for.
 * People are picked by name (search as you type), never by id.
 */
(function () {
  "use strict";

  var ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
  var subsectorNames = {};
  var skillNames = {};
  var current = null;
  var pathsFrom = null;
  var main = document.querySelector("main[data-role]");
  var role = main ? main.getAttribute("data-role") : "member";
  var me = main ? main.getAttribute("data-me") : "";
  var known = {};  // lower-case name -> id (null when two members share the name), from what was shown

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
  function remember(id, name) {
    var key = String(name).toLowerCase();
    known[key] = (key in known && known[key] !== id) ? null : id;
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
        remember(m.id, m.name);
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
  function showForm(shown) {  // site.css gives .explore forms a display, which [hidden] alone loses to
    $("paths-form").hidden = !shown;
    $("paths-form").style.display = shown ? "" : "none";
  }
  function own(id) { return role === "manager" || (me && id === me); }
  function select(id) {
    if (!ID.test(id)) { return; }
    current = id;
    if (location.hash !== "#" + id) { history.replaceState(null, "", "#" + id); }
    var profile = api("/members/" + encodeURIComponent(id));
    profile.then(showProfile).catch(function (e) {
      $("profile").hidden = false;
      $("profile-name").textContent = "Not found";
      $("profile-line").textContent = e.message;
    });
    $("map-card").hidden = false;
    setMap("/viz/members/" + encodeURIComponent(id) + "?hops=1");
    $("paths-card").hidden = false;
    clear($("paths"));
    clear($("paths-choices"));
    say("paths-status", "");
    $("paths-map").hidden = true;
    if (own(id)) {
      pathsFrom = id;
      loadRecommendations(id);
      showForm(true);
      $("paths-title").textContent = id === me ? "Who can introduce me?" : "Who can introduce them?";
    } else {
      // Someone else's profile, seen by a member: their partners are theirs; the member may ask
      // who can introduce *them* to this person.
      pathsFrom = me;
      $("recommendations-card").hidden = true;
      clear($("recommendations"));
      showForm(false);
      $("paths-title").textContent = "Who can introduce me?";
      profile.then(function (m) {
        $("paths-title").textContent = "Who can introduce me to " + m.name + "?";
        findPaths(me, id);
      }).catch(function () { $("paths-card").hidden = true; });
    }
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
        remember(r.id, r.name);
        var li = el("li");
        li.appendChild(memberButton(r.id, r.name, function () { select(r.id); }));
        li.appendChild(el("span", "muted", " score " + r.score.toFixed(2) + " "));
        var how = memberButton(r.id, "who can introduce us?", function () {
          $("target").value = r.name;
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
  var EVIDENCE = {
    "knows": "know each other",
    "collaborated": "worked together on projects",
    "introduced": "were introduced through the cluster and went on to work together",
    "co-attended": "went to the same small events"
  };
  function hopReason(h, names) {
    var main = h.evidence || (h.kinds && h.kinds[0]) || "knows";
    return (names[h.source] || h.source) + " and " + (names[h.target] || h.target) + " " +
      (EVIDENCE[main] || main) + " (trust " + h.weight.toFixed(2) + ")";
  }
  function findPaths(from, to) {
    var list = $("paths");
    clear(list);
    clear($("paths-choices"));
    $("paths-map").hidden = true;
    if (!ID.test(from) || !ID.test(to)) { return; }
    if (from === to) { say("paths-status", "That is the member themselves: pick someone else.", true); return; }
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
      say("paths-status", answer.items.length ? answer.message :
          "Nobody links " + names[from] + " to " + names[to] + " yet: the cluster manager can propose an introduction.");
      answer.items.forEach(function (p) {
        p.intermediaries.forEach(function (x) { names[x.id] = x.name; });
        var li = el("li", "path");
        li.appendChild(el("div", null, p.members.map(function (n) { return names[n] || n; }).join(" → ")));
        var reasons = el("ul", "reasons");
        p.hops.forEach(function (h) { reasons.appendChild(el("li", null, hopReason(h, names))); });
        li.appendChild(reasons);
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
  function searchNames(text) {
    return api("/members?limit=10&q=" + encodeURIComponent(text)).then(function (page) {
      page.items.forEach(function (m) { remember(m.id, m.name); });
      return page.items.filter(function (m) { return m.id !== pathsFrom; });
    });
  }
  // Search as you type: the names offered in the field's <datalist>.
  var typing = null;
  $("target").addEventListener("input", function () {
    var text = $("target").value.trim();
    if (typing) { clearTimeout(typing); }
    if (text.length < 2) { return; }
    typing = setTimeout(function () {
      searchNames(text).then(function (items) {
        var options = $("target-options");
        clear(options);
        items.forEach(function (m) {
          var o = el("option", null, (subsectorNames[m.subsectors[0]] || m.subsectors[0]) + (m.city ? " · " + m.city : ""));
          o.value = m.name;
          options.appendChild(o);
        });
      }).catch(function () {});
    }, 200);
  });
  // A typed name is one member (the very name, or the only match), or a short list to pick from.
  function pathsTo(text) {
    clear($("paths"));
    clear($("paths-choices"));
    $("paths-map").hidden = true;
    if (!text) { say("paths-status", "Type the name of the member to reach, and pick it from the list.", true); return; }
    var id = known[text.toLowerCase()];
    if (id && id !== pathsFrom) { findPaths(pathsFrom, id); return; }
    say("paths-status", "Looking for “" + text + "”…");
    searchNames(text).then(function (items) {
      var exact = items.filter(function (m) { return m.name.toLowerCase() === text.toLowerCase(); });
      if (exact.length === 1) { findPaths(pathsFrom, exact[0].id); return; }
      if (!exact.length && items.length === 1) { findPaths(pathsFrom, items[0].id); return; }
      if (!items.length) { say("paths-status", "No member you can see has a name containing “" + text + "”.", true); return; }
      say("paths-status", "Several members match “" + text + "”: pick one.");
      (exact.length ? exact : items).forEach(function (m) {
        var li = el("li");
        li.appendChild(memberButton(m.id, m.name, function () {
          $("target").value = m.name;
          findPaths(pathsFrom, m.id);
        }));
        li.appendChild(el("span", "muted", " " + (subsectorNames[m.subsectors[0]] || m.subsectors[0]) + (m.city ? " · " + m.city : "")));
        $("paths-choices").appendChild(li);
      });
    }).catch(function (e) { say("paths-status", e.message, true); });
  }
  $("paths-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (pathsFrom) { pathsTo($("target").value.trim()); }
  });
  $("paths-map").addEventListener("click", function (event) {
    event.preventDefault();
    var href = $("paths-map").getAttribute("href");
    if (href && href.indexOf("/viz/paths/") === 0) { setMap(href); }
  });
  if ($("show-me")) { $("show-me").addEventListener("click", function () { select(me); }); }

  var start = decodeURIComponent(location.hash.replace(/^#/, ""));
  if (ID.test(start)) { select(start); } else if (me && ID.test(me)) { select(me); }
}());
