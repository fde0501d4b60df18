#!/usr/bin/env bash
# Installs the tools the test suite needs besides Node, PostgreSQL and RabbitMQ, from Debian's
# packages: SIPp (sip-tester), the far end of the sip carrier's tests, and Chromium, which the
# captcha widget's browser test drives through playwright-core. Idempotent: installs only what is
# missing.
set -euo pipefail
missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "installing ${missing[*]}"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
