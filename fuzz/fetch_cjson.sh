#!/usr/bin/env bash
# fetch_cjson.sh - fetches Debian's cJSON source package (Debian's patches applied) so fuzz
# builds compile cJSON.c with the fuzzing flags, the way OSS-Fuzz builds dependencies.
#
# Usage: fuzz/fetch_cjson.sh [DEST]   (default: build-fuzz/cjson-src)
# Prints the directory holding cJSON.c and cJSON.h on stdout; everything else goes to stderr.
# Idempotent: a DEST that already holds an unpacked source is reused without network access.
# The version fetched is the installed libcjson-dev's when apt has it (so fuzz and normal
# builds test the same cJSON), else apt's candidate. Needs apt and dpkg-dev (dpkg-source); when
# no deb-src entry exists it adds one for the mirror the binary packages come from (as root).
# It never downloads from anywhere but the Debian archive: if deb-src cannot be reached it
# fails, and the caller decides (campaign.sh stops; CONFORM_FUZZ_PACKAGED_CJSON=1 there uses
# the uninstrumented packaged library instead).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/build-fuzz/cjson-src}"
log() { echo "fetch_cjson: $*" >&2; }

found_dir() {
    local d
    d="$(find "$dest" -mindepth 1 -maxdepth 2 -name cJSON.c -printf '%h\n' 2>/dev/null | sort | head -n 1)"
    [ -n "$d" ] && [ -f "$d/cJSON.h" ] && echo "$d"
}

if dir="$(found_dir)"; then
    echo "$dir"
    exit 0
fi

command -v apt-get >/dev/null || { log "apt-get not found: not a Debian-like system"; exit 1; }
if ! command -v dpkg-source >/dev/null; then
    log "installing dpkg-dev (apt-get source needs dpkg-source)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >&2
fi

# Whole output captured first: grep -q closing the pipe early would fail it under pipefail.
have_src() {
    local out
    out="$(apt-cache showsrc cjson 2>/dev/null || true)"
    grep -q '^Package: cjson' <<<"$out"
}

if ! have_src; then
    # Add deb-src for the same mirror and suites as the binary entries (deb822 or one-line).
    list=/etc/apt/sources.list.d/conform-deb-src.sources
    if [ "$(id -u)" != 0 ]; then
        log "no deb-src entry for cjson and not root: add one for your Debian mirror, e.g."
        log "  deb-src http://deb.debian.org/debian bookworm main"
        exit 1
    fi
    if [ ! -f "$list" ]; then
        log "adding deb-src entries to $list"
        tmp="$(mktemp)"
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] && [ "$f" != "$list" ] || continue
            # Keep stanzas whose Types include deb and whose URIs are a Debian/Ubuntu archive.
            awk -v RS= -v ORS='\n\n' '/(^|\n)Types:[^\n]*deb([ \n]|$)/ &&
                /(^|\n)URIs:[^\n]*(debian|ubuntu)/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$tmp"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            grep -E '^[[:space:]]*deb[[:space:]]' "$f" | grep -E 'debian|ubuntu' |
                sed -E 's/^[[:space:]]*deb[[:space:]]+/deb-src /' >>"${tmp}.list" || true
        done
        [ -s "$tmp" ] && install -m 0644 "$tmp" "$list"
        [ -s "${tmp}.list" ] && install -m 0644 "${tmp}.list" "${list%.sources}.list"
        rm -f "$tmp" "${tmp}.list"
    fi
    log "apt-get update"
    apt-get update -qq >&2 || true
    if ! have_src; then
        log "deb-src for cjson is not reachable from this machine's Debian mirror; nothing fetched"
        log "(no other download source is used: fix the mirror, or set CONFORM_FUZZ_PACKAGED_CJSON=1"
        log " to fuzz against the uninstrumented packaged libcjson)"
        exit 1
    fi
fi

want="$(dpkg-query -W -f='${Version}' libcjson-dev 2>/dev/null || true)"
mkdir -p "$dest"
cd "$dest"
spec=cjson
if [ -n "$want" ] && grep -qx "Version: $want" <<<"$(apt-cache showsrc cjson)"; then
    spec="cjson=$want"
fi
log "apt-get source $spec into $dest"
apt-get source -qq "$spec" >&2
if ! dir="$(found_dir)"; then
    log "the source package unpacked without cJSON.c"
    exit 1
fi
echo "$dir"
