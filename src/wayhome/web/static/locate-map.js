// The map page: asks the locate API for the posterior as a grid, draws it over offline country
// boundaries (Natural Earth via world-atlas), and recomputes when a clue is switched on or off.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("locate-map");
  const canvas = document.getElementById("locate-canvas");
  const form = document.getElementById("clue-form");
  if (!root || !canvas || !form) return;
  const status = document.getElementById("locate-status");
  const placesBody = document.getElementById("locate-places");
  const coverageList = document.getElementById("locate-coverage");
  const applyButton = document.getElementById("clue-apply");
  if (applyButton) applyButton.hidden = true;
  let boundaries = null;

  function text(tag, value, className) {
    const element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  function disabledClues() {
    return Array.from(form.querySelectorAll("input[data-clue]"))
      .filter((box) => !box.checked)
      .map((box) => box.dataset.clue);
  }

  function project(box, lon, lat) {
    const [south, west, north, east] = box;
    return [
      ((lon - west) / (east - west)) * canvas.width,
      ((north - lat) / (north - south)) * canvas.height,
    ];
  }

  function drawHeat(grid) {
    const context = canvas.getContext("2d");
    const peak = Math.max(...grid.values, 0);
    if (peak <= 0) return;
    const cellWidth = canvas.width / grid.cols;
    const cellHeight = canvas.height / grid.rows;
    for (let row = 0; row < grid.rows; row += 1) {
      for (let col = 0; col < grid.cols; col += 1) {
        const value = grid.values[row * grid.cols + col] / peak;
        if (value < 0.002) continue;
        // Square root so weaker areas stay visible next to the peak.
        const strength = Math.sqrt(value);
        context.fillStyle = `rgba(220, ${Math.round(120 * (1 - strength))}, 30, ${0.15 + 0.7 * strength})`;
        context.fillRect(
          col * cellWidth,
          canvas.height - (row + 1) * cellHeight,
          Math.ceil(cellWidth),
          Math.ceil(cellHeight),
        );
      }
    }
  }

  function drawBoundaries(box) {
    if (!boundaries) return;
    const context = canvas.getContext("2d");
    context.strokeStyle = "#60708a";
    context.lineWidth = 0.8;
    for (const feature of boundaries.features) {
      const geometry = feature.geometry;
      if (!geometry) continue;
      const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      for (const polygon of polygons) {
        for (const ring of polygon) {
          context.beginPath();
          let previous = null;
          for (const [lon, lat] of ring) {
            const [x, y] = project(box, lon, lat);
            // A ring that crosses the antimeridian jumps across the map: lift the pen there.
            if (previous === null || Math.abs(lon - previous) > 180) context.moveTo(x, y);
            else context.lineTo(x, y);
            previous = lon;
          }
          context.stroke();
        }
      }
    }
  }

  function drawPlaces(box, places) {
    const context = canvas.getContext("2d");
    context.fillStyle = "#1b2a4a";
    context.font = "11px sans-serif";
    places.slice(0, 5).forEach((place) => {
      const [x, y] = project(box, place.longitude, place.latitude);
      context.beginPath();
      context.arc(x, y, 3, 0, 2 * Math.PI);
      context.fill();
      context.fillText(`${place.rank}. ${place.name}`, x + 5, y - 4);
    });
  }

  function showList(answer) {
    placesBody.replaceChildren(
      ...answer.places.map((place) => {
        const row = document.createElement("tr");
        row.append(
          text("td", String(place.rank)),
          text("td", place.name),
          text("td", `${place.country} ${place.region}`),
          text("td", place.population.toLocaleString()),
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
            `${Math.round(set.area_km2).toLocaleString()} km², ${set.population.toLocaleString()} people`,
        ),
      ),
    );
    for (const clue of answer.clues) {
      const cell = form.querySelector(`[data-contribution="${CSS.escape(clue.id)}"]`);
      if (cell) cell.textContent = clue.contribution === null ? "off" : clue.contribution.toFixed(2);
    }
  }

  function fitCanvas(box) {
    // Equirectangular at the box's middle latitude, so shapes keep their proportions.
    const [south, west, north, east] = box;
    const middle = (((south + north) / 2) * Math.PI) / 180;
    const ratio = (north - south) / ((east - west) * Math.max(Math.cos(middle), 0.05));
    canvas.height = Math.round(Math.min(Math.max(canvas.width * ratio, 240), 900));
  }

  function draw(answer) {
    if (answer.grid) fitCanvas(answer.grid.bbox);
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (!answer.grid) return;
    drawHeat(answer.grid);
    drawBoundaries(answer.grid.bbox);
    drawPlaces(answer.grid.bbox, answer.places);
  }

  async function recompute() {
    status.textContent = "Computing…";
    const response = await fetch(root.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ disabled: disabledClues(), grid: true }),
    });
    const answer = await response.json();
    if (!response.ok) {
      status.textContent = answer.detail || "The locating request failed.";
      return;
    }
    status.textContent = answer.empty_reason || "";
    status.dataset.state = answer.empty_reason ? "empty" : "ready";
    showList(answer);
    draw(answer);
  }

  async function loadBoundaries() {
    if (!window.topojson) return;
    const response = await fetch(root.dataset.boundaries, { credentials: "same-origin" });
    if (!response.ok) return;
    const world = await response.json();
    boundaries = window.topojson.feature(world, world.objects.countries);
  }

  form.addEventListener("change", () => {
    recompute();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recompute();
  });
  loadBoundaries().finally(recompute);
});
