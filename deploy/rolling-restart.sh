#!/usr/bin/env sh
# Replaces the compose stack's server replicas one at a time with the image just built
# (docker compose build server): start one new replica, wait until Docker reports it healthy
# (/readyz), then drain (SIGTERM, within stop_grace_period) and remove one old one; repeat.
# docs/operations.md, "Upgrades". Docker cannot run where chitchat is developed: this script is
# checked for syntax only there (server/test/deploy/compose.test.ts).
set -eu
cd "$(dirname "$0")/.."

old=$(docker compose ps -q server)
if [ -z "$old" ]; then
  echo "no server replicas run; start the stack with: docker compose up -d" >&2
  exit 1
fi

wait_healthy() {
  for _ in $(seq 1 60); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ] && return 0
    sleep 2
  done
  echo "replica $1 did not become healthy; the old replicas keep serving. Check: docker logs $1" >&2
  exit 1
}

for container in $old; do
  before=$(docker compose ps -q server)
  docker compose up -d --no-deps --no-recreate \
    --scale server=$(($(printf '%s\n' "$before" | grep -c .) + 1)) server
  new=$(docker compose ps -q server | grep -v -x -F "$before")
  wait_healthy "$new"
  echo "new replica $new is healthy; draining $container"
  docker stop --time 15 "$container" >/dev/null
  docker rm "$container" >/dev/null
done
echo "every server replica runs the new image"
