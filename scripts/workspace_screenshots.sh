#!/usr/bin/env bash
# The screenshots of docs/workspace.md and docs/workspace/*.md, from the browser tests.
#
# Runs the browser tests that take them (each writes test-artifacts/browser/*.png), then copies
# every image the workspace docs reference (img/NAME.png in docs/workspace/*.md,
# workspace/img/NAME.png in docs/workspace.md) into docs/workspace/img/. With Pillow in the
# project's .venv each becomes a 128-colour PNG (a page's screenshot loses nothing one can see),
# and one still above 300 KB is also downscaled to 1000 px wide when that is smaller; without
# Pillow they are copied as they are. The docs' images should stay under about 4 MB in all.
#
#   scripts/workspace_screenshots.sh            # run the tests, then copy
#   scripts/workspace_screenshots.sh --no-run   # copy what the last run left
#
# Exits non-zero when a test fails or a referenced screenshot was not taken.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="$ROOT/.venv/bin/python"
ARTIFACTS="$ROOT/test-artifacts/browser"
TARGET="$ROOT/docs/workspace/img"
LIMIT=$((300 * 1024))
TESTS=(
  tests/browser/test_desk_introductions_browser.py
  tests/browser/test_desk_messages_browser.py
  tests/browser/test_desk_tenders_events_browser.py
  tests/browser/test_desk_data_browser.py
  tests/browser/test_member_space_browser.py
  tests/browser/test_workspace_journey.py
)

if [[ "${1:-}" != "--no-run" ]]; then
  "$PYTHON" -m pytest "${TESTS[@]}" -q -p no:cacheprovider
fi

mapfile -t NAMES < <(
  { grep -ho 'img/[A-Za-z0-9._-]*\.png' docs/workspace/*.md || true
    grep -ho 'workspace/img/[A-Za-z0-9._-]*\.png' docs/workspace.md || true
  } | sed 's|.*/||' | sort -u
)
if [[ ${#NAMES[@]} -eq 0 ]]; then
  echo "no screenshot is referenced in docs/workspace.md or docs/workspace/*.md" >&2
  exit 1
fi

if "$PYTHON" -c "import PIL" 2>/dev/null; then
  PILLOW=1
else
  PILLOW=0
  echo "Pillow is not in .venv: the screenshots are copied as they are (.venv/bin/pip install pillow shrinks them)" >&2
fi

SHRINK_PY='
import io
import sys

from PIL import Image

source, dest, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])


def palette(image):
    out = io.BytesIO()
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


image = Image.open(source).convert("RGB")
best = palette(image)
if len(best) > limit and image.width > 1000:
    height = round(image.height * 1000 / image.width)
    best = min(best, palette(image.resize((1000, height), Image.Resampling.LANCZOS)), key=len)
with open(dest, "wb") as f:
    f.write(best)
'

mkdir -p "$TARGET"
missing=0
for name in "${NAMES[@]}"; do
  source="$ARTIFACTS/$name"
  if [[ ! -f "$source" ]]; then
    echo "missing: $name (no test took it: see the browser tests' screenshot names)" >&2
    missing=1
    continue
  fi
  size=$(stat -c %s "$source")
  if (( PILLOW )); then
    "$PYTHON" -c "$SHRINK_PY" "$source" "$TARGET/$name" "$LIMIT"
    echo "$name: $((size / 1024)) KB -> $(( $(stat -c %s "$TARGET/$name") / 1024 )) KB"
  else
    cp "$source" "$TARGET/$name"
    echo "$name: $((size / 1024)) KB"
  fi
done

total=0
for name in "${NAMES[@]}"; do
  if [[ -f "$TARGET/$name" ]]; then
    total=$((total + $(stat -c %s "$TARGET/$name")))
  fi
done
echo "${#NAMES[@]} screenshots referenced, $((total / 1024)) KB in docs/workspace/img/"
exit "$missing"
