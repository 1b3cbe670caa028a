#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL from the machine's own install, loopback only.
#   scripts/pg-temp.sh start DIR PORT   -> prints the SQLAlchemy URL
#   scripts/pg-temp.sh stop DIR
set -euo pipefail
action=$1 dir=$2 port=${3:-54329}
bindir=$(dirname "$(readlink -f "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)")")
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $action in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$bindir/initdb" -D "$dir/data" -U wayhome --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U wayhome -d postgres -qtAc \
      "SELECT 1 FROM pg_database WHERE datname='wayhome'" | grep -q 1 ||
      as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U wayhome wayhome
    echo "postgresql+psycopg://wayhome@127.0.0.1:$port/wayhome"
    ;;
  stop)
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
esac
