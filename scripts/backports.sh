#!/usr/bin/env bash
# Sourced by the set-up scripts that install from Debian bookworm-backports: adds the backports suite from the
# same mirror as the machine's own Debian entry, once. Needs root and Debian bookworm (the callers check).

add_bookworm_backports() {
  local list=/etc/apt/sources.list.d/bookworm-backports.sources uri
  if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  uri=$(grep -hs -m1 -E '^URIs: .*/debian/?$' /etc/apt/sources.list.d/*.sources | awk '{print $2}' || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hs -m1 -E '^deb .*/debian/? bookworm' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' || true)
  fi
  uri=${uri:-http://deb.debian.org/debian}
  echo "adding bookworm-backports from $uri" >&2
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" >"$list"
}
