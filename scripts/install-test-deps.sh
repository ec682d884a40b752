#!/usr/bin/env bash
# Install what the browser-based tests need (idempotent, fast when present):
#   - Debian: chromium (headless printing + axe), poppler-utils (pdftotext,
#     pdfinfo, pdftoppm), fonts-liberation + fonts-dejavu-core (stable text).
#   - Debian: libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0 (what WeasyPrint,
#     the optional [pdf] extra behind `triage report --pdf`, needs at run time).
#   - Debian: nginx (tests/test_deploy_nginx.py starts its own, on 127.0.0.1 with a temporary
#     prefix; the service the package would start is kept from starting).
#   - npm: axe-core (pinned) into a git-ignored cache folder, used offline.
#   - npm: LHC-Forms (lforms, pinned; its prebuilt web component only, fetched with
#     `npm pack`, so none of its build-time dependencies) into .cache/lforms, for the FHIR
#     test that renders our Questionnaire in an independent client (tests/test_fhir_lforms.py).
#   - pip: the [pdf] extra (WeasyPrint) into .venv, when that virtualenv exists.
# Works as root in CI (CI=true, no TTY); uses sudo when not root.
# Env overrides: AXE_CORE_VERSION, AXE_DIR, LFORMS_VERSION, LFORMS_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.14.1}"
AXE_DIR="${AXE_DIR:-$ROOT/.cache/axe}"
LFORMS_VERSION="${LFORMS_VERSION:-40.1.3}"
LFORMS_DIR="${LFORMS_DIR:-$ROOT/.cache/lforms}"
APT_PACKAGES=(chromium poppler-utils fonts-liberation fonts-dejavu-core
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

log() { printf '[test-deps] %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        log "not root and no sudo: cannot apt-get install" >&2
    fi
fi

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

apt_updated=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        "${SUDO[@]}" apt-get update -qq
        apt_updated=1
    fi
    log "apt-get install $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Debian packages -------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
else
    log "apt packages present: ${APT_PACKAGES[*]}"
fi

# nginx: its package starts a system service on port 80 unless told not to. A policy-rc.d
# that says "no" while it installs (only if there is none already: Docker images have one).
if ! is_installed nginx; then
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    apt_install nginx || { [ "$made_policy" -eq 1 ] && "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; exit 1; }
    if [ "$made_policy" -eq 1 ]; then
        "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d
    fi
else
    log "nginx present"
fi

for tool in chromium pdftotext pdfinfo pdftoppm; do
    command -v "$tool" >/dev/null 2>&1 || { log "missing after install: $tool" >&2; exit 1; }
done

# The version an installed npm package declares ("" when its package.json is missing).
package_version() {
    [ -f "$1" ] || return 0
    sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$1" | head -n1
}

# --- axe-core (npm, offline use) -------------------------------------------
AXE_JS="$AXE_DIR/node_modules/axe-core/axe.min.js"
AXE_PKG="$AXE_DIR/node_modules/axe-core/package.json"
if [ -f "$AXE_JS" ] && [ "$(package_version "$AXE_PKG")" = "$AXE_CORE_VERSION" ]; then
    log "axe-core $AXE_CORE_VERSION present"
else
    if ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    log "npm install axe-core@$AXE_CORE_VERSION -> $AXE_DIR"
    mkdir -p "$AXE_DIR"
    npm install --prefix "$AXE_DIR" "axe-core@$AXE_CORE_VERSION" \
        --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null
    [ -f "$AXE_JS" ] || { log "axe.min.js not found at $AXE_JS" >&2; exit 1; }
fi

# --- LHC-Forms (npm pack: the published tarball, prebuilt; no dependency install) ------
LFORMS_WC="$LFORMS_DIR/package/dist/lforms/webcomponent/lhc-forms.js"
if [ -f "$LFORMS_WC" ] && [ "$(package_version "$LFORMS_DIR/package/package.json")" = "$LFORMS_VERSION" ]; then
    log "lforms $LFORMS_VERSION present"
else
    if ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    log "npm pack lforms@$LFORMS_VERSION -> $LFORMS_DIR"
    rm -rf "$LFORMS_DIR" && mkdir -p "$LFORMS_DIR"
    tarball="$(cd "$LFORMS_DIR" && npm pack "lforms@$LFORMS_VERSION" --silent --no-update-notifier 2>/dev/null | tail -n1)"
    tar -xzf "$LFORMS_DIR/$tarball" -C "$LFORMS_DIR" && rm -f "$LFORMS_DIR/$tarball"
    [ -f "$LFORMS_WC" ] || { log "lhc-forms.js not found at $LFORMS_WC" >&2; exit 1; }
fi

# Keep the cache folder out of git without touching the repo's .gitignore.
CACHE_DIR="$(dirname "$AXE_DIR")"
if [ "$CACHE_DIR" = "$ROOT/.cache" ] && [ ! -f "$CACHE_DIR/.gitignore" ]; then
    printf '*\n' >"$CACHE_DIR/.gitignore"
fi

# --- WeasyPrint (the [pdf] extra) into the project's virtualenv ---------------------
if [ -x "$ROOT/.venv/bin/python" ]; then
    if "$ROOT/.venv/bin/python" -c "import weasyprint" >/dev/null 2>&1; then
        log "weasyprint present in .venv"
    else
        log "pip install '.[pdf]' into .venv"
        (cd "$ROOT" && .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[pdf]')
        "$ROOT/.venv/bin/python" -c "import weasyprint" || { log "weasyprint still cannot be imported" >&2; exit 1; }
    fi
fi

log "ok: $(chromium --version 2>/dev/null | head -n1); $(pdftotext -v 2>&1 | head -n1); axe-core $AXE_CORE_VERSION; lforms $LFORMS_VERSION"
