/* The network pages' script: draws the map from the page's JSON data with vis-network.
 *
 * Every piece of user text (names, tooltips, results) is inserted with textContent or
 * createTextNode, never as HTML. Tooltips are DOM elements (vis-network shows an element
 * as is), links are only followed when they point at this service's /viz/ pages.
 * window.__graphReady is set (performance.now(), ms since navigation) once the map is drawn.
 */
(function () {
  "use strict";

  try {
    if (window.self !== window.top) { document.body.classList.add("embedded"); }  // e.g. in the member page
  } catch (e) {
    document.body.classList.add("embedded");
  }
  var source = document.getElementById("graph-data");
  if (!source || typeof vis === "undefined") {
    return;
  }
  var mark = function (name) { if (window.performance && performance.mark) { performance.mark(name); } };
  mark("graph-script");
  var data = JSON.parse(source.textContent);
  mark("graph-data-parsed");
  var meta = data.meta || {};
  var edgeTips = data.edge_tips || {};
  var links = data.links || {};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function tooltip(lines) {
    var box = el("div", "tip");
    lines.forEach(function (line, i) {
      if (Array.isArray(line)) {
        var row = el("div", "tip-row");
        row.appendChild(el("span", "tip-key", line[0]));
        row.appendChild(document.createTextNode(" "));
        row.appendChild(el("span", "tip-value", line[1]));
        box.appendChild(row);
      } else {
        box.appendChild(el("div", i === 0 ? "tip-title" : "tip-row", line));
      }
    });
    return box;
  }

  function safeLink(id) {
    var href = links[id];
    return typeof href === "string" && href.indexOf("/viz/") === 0 ? href : null;
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.__network = network;
  mark("graph-network-built");

  // Tooltips are built when first hovered (vis-network reads the title after its tooltip delay),
  // so a map of thousands of nodes does not build thousands of DOM trees up front.
  var titled = {};
  network.on("hoverNode", function (params) {
    var m = meta[params.node];
    if (!titled["n" + params.node] && m && m.tip) {
      titled["n" + params.node] = true;
      nodes.update({ id: params.node, title: tooltip(m.tip) });
    }
  });
  network.on("hoverEdge", function (params) {
    var t = edgeTips[params.edge];
    if (!titled["e" + params.edge] && t) {
      titled["e" + params.edge] = true;
      edges.update({ id: params.edge, title: tooltip(t) });
    }
  });

  network.once("afterDrawing", function () {
    mark("graph-drawn");
    window.__graphReady = performance.now();
    document.body.setAttribute("data-graph-ready", "1");
  });
  network.fit({ animation: false });

  // -- legend and colourings -------------------------------------------------------------------
  var legend = document.getElementById("legend");
  function swatch(colour, dashed, ring) {
    var s = el("span", "swatch" + (dashed ? " dashed" : "") + (ring ? " ring" : ""));
    if (/^(#[0-9a-fA-F]{3,8}|rgba?\([0-9., ]+\))$/.test(colour)) {
      if (dashed && !ring) { s.style.borderTopColor = colour; } else if (ring) { s.style.borderColor = colour; }
      else { s.style.backgroundColor = colour; }
    }
    return s;
  }
  function renderLegend(name) {
    if (!legend) { return; }
    while (legend.firstChild) { legend.removeChild(legend.firstChild); }
    var c = data.colourings[name];
    (c ? c.legend : []).forEach(function (entry) {
      var li = el("li");
      li.appendChild(swatch(entry[1], false, false));
      li.appendChild(el("span", null, entry[0]));
      legend.appendChild(li);
    });
    (data.legend_extra || []).forEach(function (entry) {
      var li = el("li");
      li.appendChild(swatch(entry.colour, entry.dashes, entry.ring));
      li.appendChild(el("span", null, entry.label));
      legend.appendChild(li);
    });
  }
  function applyColouring(name) {
    var c = data.colourings[name];
    if (!c) { return; }
    var updates = [];
    Object.keys(c.colours).forEach(function (id) {
      var m = meta[id] || {};
      var colour = m.border ? { background: c.colours[id], border: m.border } : c.colours[id];
      updates.push({ id: id, color: colour });
    });
    nodes.update(updates);
    renderLegend(name);
  }
  renderLegend(data.colouring);
  var radios = document.querySelectorAll("input[name=colouring]");
  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { applyColouring(radio.value); } });
  });

  // -- details panel ---------------------------------------------------------------------------
  var details = document.getElementById("details");
  var detailsBody = document.getElementById("details-body");
  function showDetails(id) {
    if (!details || !detailsBody) { return; }
    while (detailsBody.firstChild) { detailsBody.removeChild(detailsBody.firstChild); }
    var m = meta[id];
    if (!m) { details.hidden = true; return; }
    detailsBody.appendChild(tooltip(m.tip || [m.n || id]));
    var href = safeLink(id);
    if (href) {
      var a = el("a", "open", data.kind === "aggregate" ? "Open its members" : "Open this member's map");
      a.href = href;
      detailsBody.appendChild(a);
    }
    details.hidden = false;
  }
  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) {
      var id = params.nodes[0];
      if (data.kind === "aggregate" && safeLink(id)) {
        window.location.assign(safeLink(id));
        return;
      }
      showDetails(id);
    }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes && params.nodes.length && safeLink(params.nodes[0])) {
      window.location.assign(safeLink(params.nodes[0]));
    }
  });

  // -- search ----------------------------------------------------------------------------------
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  function find(query) {
    var q = fold(query).trim();
    if (!q) { return []; }
    var hits = [];
    data.nodes.forEach(function (n) {
      var m = meta[n.id] || {};
      if (fold(m.n).indexOf(q) >= 0 || fold(n.id) === q) { hits.push(n.id); }
    });
    return hits;
  }
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: false });
    showDetails(id);
  }
  function showResults(hits) {
    if (!results) { return; }
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!hits.length) {
      results.appendChild(el("li", "none", "No match."));
      return;
    }
    hits.slice(0, 25).forEach(function (id) {
      var li = el("li");
      var b = el("button", "result", (meta[id] && meta[id].n) || id);
      b.type = "button";
      b.setAttribute("data-id", id);
      b.addEventListener("click", function () { focusNode(id); });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (hits.length > 25) { results.appendChild(el("li", "more", (hits.length - 25) + " more")); }
  }
  if (form && input) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var hits = find(input.value);
      showResults(hits);
      if (hits.length) {
        network.selectNodes(hits.slice(0, 200));
        if (hits.length === 1) { focusNode(hits[0]); }
      }
    });
  }

  // -- filters ---------------------------------------------------------------------------------
  var filters = data.filters;
  if (filters) {
    var onSubsectors = {};
    var onKinds = {};
    var apply = function () {
      var updates = [];
      data.nodes.forEach(function (n) {
        var m = meta[n.id] || {};
        var show = (!m.s || onSubsectors[m.s] !== false) && (!m.k || onKinds[m.k] !== false);
        updates.push({ id: n.id, hidden: !show });
      });
      nodes.update(updates);
    };
    var box = function (target, value, label, colour, store) {
      var lab = el("label", "check");
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = true;
      cb.value = value;
      cb.addEventListener("change", function () { store[value] = cb.checked; apply(); });
      lab.appendChild(cb);
      if (colour) { lab.appendChild(swatch(colour, false, false)); }
      lab.appendChild(el("span", null, label));
      target.appendChild(lab);
    };
    var subBox = document.getElementById("filter-subsectors");
    var kindBox = document.getElementById("filter-kinds");
    if (subBox) {
      subBox.appendChild(el("p", "check-title", "Subsectors"));
      filters.subsectors.forEach(function (s) { box(subBox, s[0], s[1], s[2], onSubsectors); });
    }
    if (kindBox && filters.kinds.length) {
      kindBox.appendChild(el("p", "check-title", "Kinds"));
      filters.kinds.forEach(function (k) { box(kindBox, k, k, null, onKinds); });
    }
  }
}());
