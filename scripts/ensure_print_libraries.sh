#!/usr/bin/env bash
# Printed documents (PDF/A minutes) need Pango for WeasyPrint's text layout and the DejaVu fonts they embed.
# Installs the Debian packages when they are missing (as root, or through sudo); otherwise says what to install.
# Idempotent: when everything is there it changes nothing.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
APT_LOCK_WAIT_SECONDS="${ENSURE_SERVICES_APT_LOCK_WAIT_SECONDS:-1200}"

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

command -v dpkg-query >/dev/null 2>&1 || {
    echo "ensure_print_libraries: not a Debian system; make sure Pango and the DejaVu fonts are installed" >&2
    exit 0
}

missing=()
for package in "${PACKAGES[@]}"; do
    installed "$package" || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null 2>&1; then
    run=(sudo)
else
    echo "ensure_print_libraries: PDFs need: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    exit 0
fi
echo "ensure_print_libraries: installing ${missing[*]}"
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT_SECONDS" update
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT_SECONDS" \
    install -y --no-install-recommends "${missing[@]}"
