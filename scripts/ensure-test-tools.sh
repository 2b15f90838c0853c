#!/usr/bin/env bash
# The tests use real command-line tools: `zstd` and `openssl` make fixtures independently of the code
# under test. Installs the Debian packages when they are missing and we may (root with apt-get);
# otherwise says what to install and fails, rather than letting tests skip.
set -euo pipefail
missing=()
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
((${#missing[@]} == 0)) && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages) for the tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need these command-line tools: ${missing[*]}. Install them (e.g. apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi
