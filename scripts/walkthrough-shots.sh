#!/usr/bin/env bash
# Regenerate the README's walkthrough pictures: run the browser walkthrough
# (tests/browser/test_walkthrough.py, Debian's Chromium), then copy the chosen screenshots
# from test-artifacts/walkthrough/ into docs/walkthrough/, at most 1280 px wide, as small
# palette PNGs. Usage: scripts/walkthrough-shots.sh [--no-test]  (--no-test: copy only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${PYTHON:-.venv/bin/python}
if [[ "${1:-}" != "--no-test" ]]; then
  "$python" -m pytest -q -p no:cacheprovider tests/browser/test_walkthrough.py
fi
"$python" - <<'PY'
from pathlib import Path

from PIL import Image

SHOTS = ["01-dashboard", "03-live-alerts", "04-case-suspects", "05-link-graph", "06-map",
         "07-suspect"]
source, target = Path("test-artifacts/walkthrough"), Path("docs/walkthrough")
target.mkdir(parents=True, exist_ok=True)
total = 0
for name in SHOTS:
    image = Image.open(source / f"{name}.png").convert("RGB")
    if image.width > 1280:
        image = image.resize((1280, round(image.height * 1280 / image.width)), Image.LANCZOS)
    out = target / f"{name}.png"
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    total += out.stat().st_size
    print(f"{out}: {image.width}x{image.height}, {out.stat().st_size:,} bytes")
print(f"{len(SHOTS)} pictures, {total:,} bytes")
PY
