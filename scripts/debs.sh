#!/usr/bin/env bash
# Install the Debian packages named as arguments when any is missing. Used by the Makefile.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  # Not Debian or Ubuntu: say what each platform installs instead of the Debian names.
  echo "podcheck: no apt-get here to install ${missing[*]}; instead:" >&2
  others=()
  for pkg in "${missing[@]}"; do
    case "$pkg" in
      libpango*) pango=1 ;;
      chromium) chromium=1 ;;
      *) others+=("$pkg") ;;
    esac
  done
  if [ -n "${pango:-}" ]; then
    cat >&2 <<'EOF'
  Pango, for PDF reports:
    macOS:       brew install pango   (or the conda route, as on Windows)
    Windows:     conda env create -f environment.yml && conda activate podcheck
                 (conda-forge brings Pango with WeasyPrint)
    other Linux: your distribution's pango package (dnf install pango, pacman -S pango, apk add pango)
EOF
  fi
  if [ -n "${chromium:-}" ]; then
    echo "  Chromium, for the browser tests: install Chromium or Chrome and set PODCHECK_CHROMIUM to its path" >&2
  fi
  if [ ${#others[@]} -gt 0 ]; then
    echo "  also, from your package manager: ${others[*]}" >&2
  fi
  echo "  Then run podcheck as README.md's \"Beyond Debian (macOS, Windows)\" shows." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
    echo "podcheck: installing ${missing[*]} needs root; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
