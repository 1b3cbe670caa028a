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

  async function findPath(to) {
    const url = api + "/path?from_ref=" + encodeURIComponent(root.dataset.root) + "&to_ref=" + encodeURIComponent(to);
    const response = await fetch(url, { credentials: "same-origin" });
    const list = document.getElementById("path-steps");
    list.replaceChildren();
    if (!response.ok) { status.textContent = "No path: " + response.status; return; }
    const path = await response.json();
    if (!path.found) { status.textContent = "No chain of evidence found"; return; }
    const graph = { nodes: [], edges: [] };
    for (const step of path.steps) {
      graph.nodes.push(step.from, step.to);
      graph.edges.push(step.edge);
      const item = document.createElement("li");
      item.textContent = step.from.label + " → " + step.to.label + ": " + step.edge.evidence.join("; ") +
        (step.edge.agency ? " [" + step.edge.agency + "]" : "");
      list.appendChild(item);
    }
    add(graph);
    cy.elements().removeClass("on-path");
    for (const step of path.steps) {
      cy.getElementById(step.from.id).addClass("on-path");
      cy.getElementById(step.to.id).addClass("on-path");
      cy.getElementById(step.from.id).edgesWith(cy.getElementById(step.to.id)).addClass("on-path");
    }
    status.textContent = path.steps.length + " steps, confidence " + path.confidence;
    list.dataset.steps = String(path.steps.length);
  }

  document.getElementById("path-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const to = document.getElementById("path-to").value.trim();
    if (to) findPath(to);
  });
  expand(root.dataset.root);
})();
