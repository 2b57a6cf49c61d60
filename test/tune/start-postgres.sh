#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster in DIR (trust auth, 127.0.0.1, a free port, fsync off) and prints its
# URL; stop it with `start-postgres.sh DIR stop`. Root runs the server as the postgres user. Exit 3: no server
# installed. Used by .ci/run and, when SER_TEST_POSTGRES_URL is unset, by test/tune/postgres.test.ts.
set -euo pipefail
dir=${1:?usage: start-postgres.sh DIR [stop]}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "start-postgres: no PostgreSQL server installed (apt-get install postgresql)" >&2
  exit 3
fi
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
if [ "${2:-}" = stop ]; then
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  exit 0
fi
mkdir -p "$dir"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
[ "$(id -u)" = 0 ] && chown -R postgres "$dir"
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U ser --no-sync >"$dir/initdb.log" 2>&1
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" >/dev/null
echo "postgresql://ser@127.0.0.1:$port/postgres"
