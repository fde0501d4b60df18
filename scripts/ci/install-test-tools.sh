#!/usr/bin/env bash
# Installs the tools the test suite needs besides Node, PostgreSQL and RabbitMQ: SIPp (Debian's
# sip-tester), the far end of the sip carrier's tests. Idempotent: does nothing when present.
set -euo pipefail
if command -v sipp >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends sip-tester
sipp -v | head -2 || true
