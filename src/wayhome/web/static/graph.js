// The link graph page: draws an entity's neighbourhood with Cytoscape.js (bundled, no CDN),
// expands a node on click and shows the evidence path to another entity.
(function () {
  "use strict";
  const root = document.getElementById("link-graph");
  if (!root || typeof window.cytoscape !== "function") return;
  const api = root.dataset.api;
  const status = document.getElementById("graph-status");
  const cy = window.cytoscape({
    container: document.getElementById("graph-canvas"),
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, "background-color": "#3b6ea5",
        "text-wrap": "ellipsis", "text-max-width": 140 } },
      { selector: "node[kind = 'hidden']", style: { "background-color": "#999", shape: "diamond" } },
      { selector: "node[kind = 'case']", style: { "background-color": "#b03a2e", shape: "round-rectangle" } },
      { selector: "node[kind = 'persona']", style: { "background-color": "#7d3c98" } },
      { selector: "node[kind = 'selector']", style: { "background-color": "#1e8449", shape: "triangle" } },
      { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "line-color": "#aaa" } },
      { selector: "edge[kind = 'assertion']", style: { width: 3, "line-color": "#7d3c98" } },
      { selector: "edge[kind = 'hidden']", style: { "line-style": "dashed" } },
      { selector: "node.on-path", style: { "background-color": "#e67e22", "border-width": 3, "border-color": "#a04000" } },
      { selector: "edge.on-path", style: { "line-color": "#e67e22", width: 5 } },
    ],
  });
  window.cy = cy;

  function add(graph) {
    const elements = [];
    for (const n of graph.nodes) {
      if (cy.getElementById(n.id).length === 0) {
        elements.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, hidden: n.hidden } });
      }
    }
    for (const e of graph.edges) {
      const id = [e.source, e.target, e.kind, (e.evidence || []).join("|")].join("~");
      if (cy.getElementById(id).length === 0) {
        elements.push({ group: "edges", data: { id, source: e.source, target: e.target, kind: e.kind,
          evidence: (e.evidence || []).join("; "), agency: e.agency || "" } });
      }
    }
    cy.add(elements);
    cy.layout({ name: "cose", animate: false }).run();
    status.textContent = cy.nodes().length + " nodes, " + cy.edges().length + " edges";
  }

  async function expand(ref) {
    const response = await fetch(api + "/graph?ref=" + encodeURIComponent(ref), { credentials: "same-origin" });
    if (!response.ok) { status.textContent = "Could not expand: " + response.status; return; }
    add(await response.json());
  }

  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (!node.data("hidden")) expand(node.id());
  });
  cy.on("tap", "edge", (event) => {
    const e = event.target;
    status.textContent = e.data("kind") + ": " + e.data("evidence") + (e.data("agency") ? " (" + e.data("agency") + ")" : "");
  });

  // The evidence path is the server's (the case page's own path, in words): draw and mark it.
  function markPath() {
    const pairs = JSON.parse(root.dataset.path || "[]");
    if (!pairs.length) return;
    add(JSON.parse(root.dataset.pathGraph || '{"nodes": [], "edges": []}'));
    cy.elements().removeClass("on-path");
    for (const [from, to] of pairs) {
      cy.getElementById(from).addClass("on-path");
      cy.getElementById(to).addClass("on-path");
      cy.getElementById(from).edgesWith(cy.getElementById(to)).addClass("on-path");
    }
    status.textContent = cy.nodes().length + " nodes, " + cy.edges().length + " edges; evidence path: " +
      pairs.length + " steps";
  }

  // Asking again for the path already drawn marks it without reloading the page.
  document.getElementById("path-search").addEventListener("submit", (event) => {
    const to = document.getElementById("path-to").value.trim();
    if (to && to === root.dataset.to && JSON.parse(root.dataset.path || "[]").length) {
      event.preventDefault();
      markPath();
    }
  });
  expand(root.dataset.root).then(markPath);
})();
