#!/usr/bin/env bash
# `npm run services`: PostgreSQL and RabbitMQ on this machine from the Debian/Ubuntu packages —
# installed when missing (apt-get), started when not answering, then waited for. Safe to run again.
# .ci/run uses it before the tests. Needs root (or sudo) to install and start; does nothing to a
# service that already answers. Containers instead: docker compose up -d postgres rabbitmq.
set -euo pipefail

SUDO=()
[ "$(id -u)" = 0 ] || SUDO=(sudo)

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v rabbitmq-server >/dev/null 2>&1; then
  echo "installing PostgreSQL and RabbitMQ (apt-get)"
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql rabbitmq-server
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "starting PostgreSQL"
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

if ! "${SUDO[@]}" rabbitmqctl -q status >/dev/null 2>&1; then
  echo "starting RabbitMQ"
  "${SUDO[@]}" rabbitmq-server -detached || true
fi
"${SUDO[@]}" timeout 120 rabbitmqctl await_startup
echo "RabbitMQ is up (amqp://guest:guest@127.0.0.1:5672)"
