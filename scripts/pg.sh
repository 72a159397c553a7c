#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: no Docker, Debian's postgresql package.
#   scripts/pg.sh start DIR   initdb into DIR (C collation; password auth over TCP, with a random
#                             password for the `postgres` user), start it on a free port, print its
#                             admin URL (also in DIR/url)
#   scripts/pg.sh stop DIR    stop it and delete DIR
# As root the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: scripts/pg.sh start|stop DIR}
dir=${2:?usage: scripts/pg.sh start|stop DIR}

bin=""
for d in /usr/lib/postgresql/*/bin; do [[ -x $d/initdb ]] && bin=$d; done
[[ -n $bin ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
  start)
    mkdir -p "$dir"
    [[ $(id -u) == 0 ]] && chown postgres "$dir"
    # Tests need no durability; LINKYARD_PG_DURABLE=1 (benchmarks) keeps fsync on and only stops
    # commits from waiting for it, like SQLite's WAL with synchronous=NORMAL.
    durability="-c fsync=off"
    [[ ${LINKYARD_PG_DURABLE:-0} == 1 ]] && durability="-c synchronous_commit=off"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    echo "$password" >"$dir/pwfile"
    [[ $(id -u) == 0 ]] && chown postgres "$dir/pwfile"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$dir/pwfile" --no-locale -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c shared_buffers=128MB $durability" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres:$password@127.0.0.1:$port/postgres" | tee "$dir/url"
    ;;
  stop)
    [[ -d $dir/data ]] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
