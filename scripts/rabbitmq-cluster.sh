#!/usr/bin/env bash
# A RabbitMQ cluster of several nodes on this machine, beside (never touching) the machine's own
# node on 5672: its own node names (verigate-c1@localhost …), ports, data, logs and Erlang cookie
# (a HOME of its own), the management plugin off. Uses the Debian/Ubuntu package's scripts as root.
#
#   scripts/rabbitmq-cluster.sh start              # three nodes on 5701-5703 (dist 25701-25703), clustered
#   scripts/rabbitmq-cluster.sh urls               # RABBITMQ_URL for them: amqp://guest:guest@127.0.0.1:5701,…
#   scripts/rabbitmq-cluster.sh leader <queue>     # the node number (1…) leading a quorum queue
#   scripts/rabbitmq-cluster.sh stop-node <n>      # stop one node (a node loss); start-node <n> brings it back
#   scripts/rabbitmq-cluster.sh ctl <n> <args…>    # rabbitmqctl against node n
#   scripts/rabbitmq-cluster.sh stop               # stop every node and delete the cluster's directory
#
# Settings (environment): VERIGATE_CLUSTER_DIR (default /tmp/verigate-rabbitmq-cluster),
# VERIGATE_CLUSTER_NODES (3), VERIGATE_CLUSTER_PORT (5701; node n listens on PORT+n-1),
# VERIGATE_CLUSTER_DIST_PORT (25701). Classic queues are mirrored to every node by a policy
# (docs/operations.md, "Running a RabbitMQ cluster").
set -euo pipefail

DIR=${VERIGATE_CLUSTER_DIR:-/tmp/verigate-rabbitmq-cluster}
NODES=${VERIGATE_CLUSTER_NODES:-3}
PORT=${VERIGATE_CLUSTER_PORT:-5701}
DIST=${VERIGATE_CLUSTER_DIST_PORT:-25701}
# The package's own scripts: /usr/sbin's wrappers would switch to the rabbitmq user and its cookie.
BIN=${RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}

node_name() { echo "verigate-c$1@localhost"; }

# Runs a command with node n's environment.
with_node() {
  local n=$1; shift
  local base="$DIR/n$n"
  HOME="$DIR" \
  RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf" \
  RABBITMQ_NODENAME="$(node_name "$n")" \
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT=$((PORT + n - 1)) \
  RABBITMQ_DIST_PORT=$((DIST + n - 1)) \
  RABBITMQ_MNESIA_BASE="$base/mnesia" \
  RABBITMQ_LOG_BASE="$base/log" \
  RABBITMQ_PID_FILE="$base/pid" \
  RABBITMQ_CONFIG_FILE="$base/rabbitmq.conf" \
  RABBITMQ_ADVANCED_CONFIG_FILE="$base/advanced.config" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" \
  ERL_EPMD_ADDRESS=127.0.0.1 \
  "$@"
}

ctl() {
  local n=$1; shift
  with_node "$n" "$BIN/rabbitmqctl" -n "$(node_name "$n")" "$@"
}

prepare() {
  mkdir -p "$DIR"
  if [ ! -f "$DIR/.erlang.cookie" ]; then
    # A cookie of this cluster's own: the machine's node (cookie in /var/lib/rabbitmq) cannot be reached with it.
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/.erlang.cookie"
    chmod 400 "$DIR/.erlang.cookie"
  fi
  echo '[].' > "$DIR/enabled_plugins"
  echo 'export ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"' > "$DIR/rabbitmq-env.conf"
  for n in $(seq 1 "$NODES"); do
    mkdir -p "$DIR/n$n/mnesia" "$DIR/n$n/log"
    printf 'listeners.tcp.local = 127.0.0.1:%s\n' $((PORT + n - 1)) > "$DIR/n$n/rabbitmq.conf"
    # A quorum queue's at-least-once dead-letter worker re-sends what its target did not confirm
    # after this long (RabbitMQ's default: 3 min). A delay queue's messages forwarded while the
    # command queue had no leader (a node loss) wait that long otherwise; see docs/operations.md.
    echo '[{rabbit, [{dead_letter_worker_publisher_confirm_timeout, 5000}]}].' > "$DIR/n$n/advanced.config"
  done
}

start_node() {
  local n=$1
  with_node "$n" "$BIN/rabbitmq-server" -detached >/dev/null 2>&1 || true
}

await_node() {
  local deadline=$((SECONDS + 180))
  until ctl "$1" -q await_startup >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "node $1 did not start; see $DIR/n$1/log" >&2; exit 1; fi
    sleep 1
  done
}

case "${1:-}" in
  start)
    prepare
    for n in $(seq 1 "$NODES"); do start_node "$n"; done
    for n in $(seq 1 "$NODES"); do await_node "$n"; done
    for n in $(seq 2 "$NODES"); do
      ctl "$n" -q stop_app
      ctl "$n" -q join_cluster "$(node_name 1)"
      ctl "$n" -q start_app
    done
    # Classic queues (notifier events and their retry delays, the captcha RPC queue) on every node: see docs/operations.md.
    ctl 1 -q set_policy --apply-to queues verigate-classic-ha '.*' '{"ha-mode":"all","ha-sync-mode":"automatic"}'
    ctl 1 -q cluster_status >/dev/null
    echo "cluster of $NODES nodes up: $("$0" urls)"
    ;;
  urls)
    urls=()
    for n in $(seq 1 "$NODES"); do urls+=("amqp://guest:guest@127.0.0.1:$((PORT + n - 1))"); done
    (IFS=,; echo "${urls[*]}")
    ;;
  leader)
    queue=${2:?queue name}
    for n in $(seq 1 "$NODES"); do
      # The first node that answers tells the leader (a stopped node does not answer).
      if leader=$(ctl "$n" -q list_queues name leader --no-table-headers 2>/dev/null | awk -v q="$queue" '$1 == q { print $2 }'); then
        [ -n "$leader" ] || { echo "no quorum queue $queue" >&2; exit 1; }
        echo "$leader" | sed -E 's/^verigate-c([0-9]+)@.*/\1/'
        exit 0
      fi
    done
    echo "no node answered" >&2; exit 1
    ;;
  stop-node)
    n=${2:?node number}
    ctl "$n" -q stop >/dev/null 2>&1 || true
    ;;
  start-node)
    n=${2:?node number}
    start_node "$n"
    await_node "$n"
    ;;
  ctl)
    n=${2:?node number}; shift 2
    ctl "$n" "$@"
    ;;
  stop)
    for n in $(seq 1 "$NODES"); do
      [ -d "$DIR/n$n" ] || continue
      ctl "$n" -q stop >/dev/null 2>&1 || true
      # A node that did not answer: end it by the pid it wrote (only this cluster's nodes).
      # The node removes its pid file as it stops: it may be gone between the test and the read.
      if [ -f "$DIR/n$n/pid" ]; then
        pid=$(cat "$DIR/n$n/pid" 2>/dev/null || true)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
      fi
    done
    rm -rf "$DIR"
    ;;
  *)
    sed -n '2,17p' "$0"
    exit 2
    ;;
esac
