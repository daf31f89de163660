#!/usr/bin/env bash
# The screenshots of docs/workspace.md and docs/workspace/*.md, from the browser tests.
#
# Runs the browser tests that take them (each writes test-artifacts/browser/*.png), then copies
# every image the workspace docs reference (img/NAME.png in docs/workspace/*.md,
# workspace/img/NAME.png in docs/workspace.md) into docs/workspace/img/. A PNG above 300 KB is
# downscaled (to 1000 px wide at most, 256 colours) with Pillow when the project's .venv has it,
# else with ImageMagick's `convert` when the machine has it, else copied as it is.
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
  SHRINK=pillow
elif command -v convert >/dev/null 2>&1; then
  SHRINK=imagemagick
else
  SHRINK=none
fi

shrink() {  # shrink SOURCE DEST
  case "$SHRINK" in
    pillow)
      "$PYTHON" - "$1" "$2" <<'EOF'
import sys
from PIL import Image

source, dest = sys.argv[1], sys.argv[2]
image = Image.open(source).convert("RGB")
if image.width > 1000:
    image = image.resize((1000, round(image.height * 1000 / image.width)), Image.LANCZOS)
image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(dest, optimize=True)
EOF
      ;;
    imagemagick)
      convert "$1" -resize '1000x>' -colors 256 -strip "PNG8:$2" ;;
    *)
      cp "$1" "$2" ;;
  esac
}

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
  if (( size > LIMIT )); then
    shrink "$source" "$TARGET/$name"
    echo "$name: $((size / 1024)) KB -> $(( $(stat -c %s "$TARGET/$name") / 1024 )) KB ($SHRINK)"
  else
    cp "$source" "$TARGET/$name"
    echo "$name: $((size / 1024)) KB"
  fi
done

total=0
for name in "${NAMES[@]}"; do
  [[ -f "$TARGET/$name" ]] && total=$((total + $(stat -c %s "$TARGET/$name")))
done
echo "${#NAMES[@]} screenshots referenced, $((total / 1024)) KB in docs/workspace/img/"
exit "$missing"
