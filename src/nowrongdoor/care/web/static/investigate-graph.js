/* The contact graph of an operation page, drawn with Cytoscape.js (vendored from
   npm by `make`, served from /static/vendor). The page's tables list the same
   nodes and edges, so nothing depends on this script. Keyboard: Tab to the graph,
   arrow keys move from node to node (the node and what it touches are highlighted
   and read out), Enter on an ad goes to the ad, Escape clears. */
(function () {
  "use strict";
  var box = document.getElementById("contact-graph");
  var data = document.getElementById("graph-data");
  var say = document.getElementById("graph-focus");
  if (!box || !data || typeof window.cytoscape !== "function") { return; }
  var elements = JSON.parse(data.textContent).elements;
  var kinds = { ad: "ad", phone: "phone", email: "e-mail", handle: "handle", photo: "photo" };
  var nodes = elements.filter(function (e) { return !e.data.source; });
  /* deterministic start: nodes on a circle, in the page's order */
  nodes.forEach(function (e, i) {
    var a = (2 * Math.PI * i) / Math.max(nodes.length, 1);
    e.position = { x: 300 * Math.cos(a), y: 300 * Math.sin(a) };
  });
  box.hidden = false;
  say.hidden = false;
  var cy = window.cytoscape({
    container: box,
    elements: elements,
    wheelSensitivity: 0.2,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 11, "color": "#1a1a1a",
        "text-valign": "bottom", "text-margin-y": 3, "width": 18, "height": 18,
        "text-background-color": "#ffffff", "text-background-opacity": 0.8,
        "text-background-padding": 1, "border-width": 1, "border-color": "#333333" } },
      { selector: "node[kind = 'ad']", style: { "shape": "round-rectangle", "background-color": "#8fb3d9" } },
      { selector: "node[kind = 'phone']", style: { "shape": "ellipse", "background-color": "#d95f02", "width": 24, "height": 24 } },
      { selector: "node[kind = 'email']", style: { "shape": "diamond", "background-color": "#7570b3", "width": 24, "height": 24 } },
      { selector: "node[kind = 'handle']", style: { "shape": "triangle", "background-color": "#1b9e77", "width": 24, "height": 24 } },
      { selector: "node[kind = 'photo']", style: { "shape": "star", "background-color": "#e7298a", "width": 24, "height": 24 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#9a9a9a", "curve-style": "straight" } },
      { selector: "edge[relation = 'holds']", style: { "line-style": "dashed" } },
      { selector: ".faded", style: { "opacity": 0.2 } },
      { selector: "node.focus", style: { "border-width": 4, "border-color": "#000000", "font-weight": "bold", "z-index": 10 } }
    ],
    layout: { name: "cose", randomize: false, animate: false, fit: true, padding: 20,
              nodeRepulsion: function () { return 8000; }, idealEdgeLength: function () { return 50; } }
  });
  var order = cy.nodes();
  var at = -1;
  function describe(node) {
    var near = node.neighborhood("node").map(function (n) { return n.data("label"); });
    var kind = kinds[node.data("kind")] || node.data("kind");
    var text = kind + " " + node.data("label") + ", " + (at + 1) + " of " + order.length + ": ";
    if (node.data("kind") === "ad") {
      text += "carries " + (near.length ? near.join(", ") : "nothing shared") + ". Enter opens the ad.";
    } else {
      text += "in " + near.length + " ad" + (near.length === 1 ? "" : "s") + ": " + near.join(", ") + ".";
      if (node.data("detail")) { text += " " + node.data("detail") + "."; }
    }
    return text;
  }
  function show(i) {
    at = (i + order.length) % order.length;
    var node = order[at];
    cy.elements().removeClass("focus").addClass("faded");
    node.closedNeighborhood().removeClass("faded");
    node.addClass("focus");
    say.textContent = describe(node);
  }
  function clear() {
    at = -1;
    cy.elements().removeClass("focus faded");
    say.textContent = "";
  }
  box.addEventListener("keydown", function (event) {
    var key = event.key;
    if (key === "ArrowRight" || key === "ArrowDown") { show(at + 1); }
    else if (key === "ArrowLeft" || key === "ArrowUp") { show(at < 0 ? -1 : at - 1); }
    else if (key === "Home") { show(0); }
    else if (key === "End") { show(order.length - 1); }
    else if (key === "Escape") { clear(); }
    else if (key === "Enter" && at >= 0 && order[at].data("kind") === "ad") {
      var target = document.getElementById("ad-" + order[at].data("label"));
      if (target) { target.scrollIntoView(); target.focus(); }
    } else { return; }
    event.preventDefault();
  });
  cy.on("tap", "node", function (event) { show(order.indexOf(event.target)); });
  cy.on("tap", function (event) { if (event.target === cy) { clear(); } });
})();
