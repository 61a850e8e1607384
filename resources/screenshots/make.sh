#!/usr/bin/env bash
# The README's screenshots, taken on a real (virtual) X screen by the screenshot tool beside the project,
# at the laptop sizes caseworkers have. Run from the project's root: bash resources/screenshots/make.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
shot=../shared/tools/screenshot
out=resources/screenshots
"$shot" -o "$out/main-window.png" -w 8 -s 1366x768 -- .venv/bin/python "$out/scene.py" main
for size in 1280x720 1366x768; do
  "$shot" -o "$out/by-force-$size.png" -w 8 -s "$size" -- .venv/bin/python "$out/scene.py" by-force
  "$shot" -o "$out/police-uk-more-filters-$size.png" -w 12 -s "$size" -- .venv/bin/python "$out/scene.py" police-uk
  "$shot" -o "$out/export-dialog-$size.png" -w 10 -s "$size" -- .venv/bin/python "$out/scene.py" export
done
"$shot" -o "$out/east-of-england-under-16s.png" -w 8 -s 1366x768 -- .venv/bin/python "$out/scene.py" east-of-england
rm -f "$out"/*.log
