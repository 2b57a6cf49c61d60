#!/usr/bin/env bash
# Installs everything ser needs, idempotently: Debian packages (when root), npm packages, the real corpora
# from ../shared/datasets when present. Used by scripts/main.sh, scripts/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v flac >/dev/null || need+=(flac)
command -v clang >/dev/null || need+=(clang)
command -v wasm-ld >/dev/null || need+=(lld)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
command -v chromium >/dev/null || need+=(chromium)
/usr/bin/python3 -c 'import nbclient, nbconvert, ipykernel' 2>/dev/null || need+=(python3-nbclient jupyter-nbconvert python3-ipykernel)
# The classic Notebook server: `npm run notebook` and the test that drives Jupyter in Chromium.
command -v jupyter-notebook >/dev/null || need+=(jupyter-notebook)
/usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null || need+=(python3-numpy python3-scipy)
/usr/bin/python3 -c 'import optuna' 2>/dev/null || need+=(python3-optuna)
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || need+=(python3-sklearn)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (install them with apt-get): ${need[*]}" >&2
  fi
fi

# npm ci when the lockfile changed since the last install here (a marker in node_modules records its hash),
# so .ci/run and scripts/test.sh calling this twice install once.
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.ser-lock ] || [ "$(cat node_modules/.ser-lock)" != "$lock" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock" > node_modules/.ser-lock
else
  npm run --silent build
fi

# Real corpora: materialize the shared FLAC copies as WAV under data/ (gitignored) when they are beside us.
shared="${SER_SHARED_DATASETS:-../shared/datasets}"
if [ -x "$shared/materialize" ] && { [ ! -d data/tess ] || [ ! -d data/ravdess ]; }; then
  "$shared/materialize" data
fi
