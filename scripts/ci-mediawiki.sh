# shellcheck shell=bash
# Source this file (`. scripts/ci-mediawiki.sh`) to start a local MediaWiki
# loaded with one article per CIA World Factbook profile, for the tests of
# knowledge/mediawiki. On success it exports
#   CEM_MEDIAWIKI_URL  the wiki's api.php URL
#   CEM_MEDIAWIKI_PID  the PHP server's process group (stop it and its
#                      workers with cem_mediawiki_stop)
# and returns 0; on failure it prints why and returns 1, and the tests
# skip with a message saying so. It never exits the calling shell.
#
# Steps: apt-get install Debian's mediawiki with SQLite and the PHP CLI
# (unless already there), install.php --dbtype=sqlite into a temporary
# folder, generate the articles from the Factbook JSON (../shared/data/
# factbook, or CEM_FACTBOOK) with internal/factbookwiki/gen, load them with
# importTextFiles.php and serve the wiki with `php -S 127.0.0.1:PORT`.

cem_mediawiki_fail() {
  echo "ci-mediawiki: $*; the MediaWiki tests will skip" >&2
  return 1
}

cem_mediawiki_stop() {
  if [ -n "${CEM_MEDIAWIKI_PID:-}" ]; then
    kill -- "-$CEM_MEDIAWIKI_PID" 2>/dev/null || true
    unset CEM_MEDIAWIKI_PID CEM_MEDIAWIKI_URL
  fi
}

cem_mediawiki_start() {
  local root mw dir port factbook i mods
  root="$(pwd)"
  mw=/usr/share/mediawiki
  mods="$(php -m 2>/dev/null || true)"
  if [ ! -f "$mw/maintenance/install.php" ] || ! grep -qi '^pdo_sqlite$' <<<"$mods"; then
    if [ "$(id -u)" != 0 ]; then
      cem_mediawiki_fail "mediawiki is not installed and this user cannot apt-get install it"
      return 1
    fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      mediawiki php-sqlite3 php-cli) >/tmp/cem-mediawiki-apt.log 2>&1 ||
      { tail -5 /tmp/cem-mediawiki-apt.log >&2; cem_mediawiki_fail "apt-get install mediawiki php-sqlite3 php-cli failed"; return 1; }
  fi
  factbook="${CEM_FACTBOOK:-$root/../shared/data/factbook}"
  [ -d "$factbook" ] || { cem_mediawiki_fail "no Factbook JSON at $factbook (set CEM_FACTBOOK)"; return 1; }
  dir="$(mktemp -d "${TMPDIR:-/tmp}/cem-mediawiki.XXXXXX")" || { cem_mediawiki_fail "mktemp failed"; return 1; }
  mkdir -p "$dir/data" "$dir/pages"
  port="$(php -r '$s=stream_socket_server("tcp://127.0.0.1:0"); $n=stream_socket_get_name($s,false); echo substr($n, strrpos($n, ":")+1);')" ||
    { cem_mediawiki_fail "could not find a free port"; return 1; }
  export MW_CONFIG_FILE="$dir/LocalSettings.php"
  php "$mw/maintenance/install.php" --dbtype=sqlite --dbpath="$dir/data" --dbname=cemwiki \
    --server="http://127.0.0.1:$port" --scriptpath="" --lang=en \
    --pass="cem-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" --confpath="$dir" \
    "Cem Factbook Wiki" Admin >"$dir/install.log" 2>&1 ||
    { tail -5 "$dir/install.log" >&2; cem_mediawiki_fail "install.php failed (log: $dir/install.log)"; return 1; }
  go run ./internal/factbookwiki/gen -factbook "$factbook" -out "$dir/pages" >"$dir/gen.log" 2>&1 ||
    { tail -5 "$dir/gen.log" >&2; cem_mediawiki_fail "generating the Factbook articles failed"; return 1; }
  php "$mw/maintenance/importTextFiles.php" --bot "$dir"/pages/*.wiki >"$dir/import.log" 2>&1 ||
    { tail -5 "$dir/import.log" >&2; cem_mediawiki_fail "importTextFiles.php failed (log: $dir/import.log)"; return 1; }
  # The server (and its worker processes) lead a session of their own, whose
  # id the inner shell writes before exec'ing php; stop it by that group.
  PHP_CLI_SERVER_WORKERS=4 setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$dir/server.pid" \
    php -S "127.0.0.1:$port" -t "$mw" </dev/null >"$dir/server.log" 2>&1 &
  for i in $(seq 1 100); do
    [ -s "$dir/server.pid" ] && break
    sleep 0.1
  done
  CEM_MEDIAWIKI_PID="$(cat "$dir/server.pid" 2>/dev/null)"
  [ -n "$CEM_MEDIAWIKI_PID" ] || { cem_mediawiki_fail "the PHP server did not start (log: $dir/server.log)"; return 1; }
  export CEM_MEDIAWIKI_PID
  for i in $(seq 1 100); do
    if php -r 'exit(@file_get_contents($argv[1]) === false ? 1 : 0);' \
      "http://127.0.0.1:$port/api.php?action=query&meta=siteinfo&format=json" 2>/dev/null; then
      export CEM_MEDIAWIKI_URL="http://127.0.0.1:$port/api.php"
      echo "ci-mediawiki: $(ls "$dir/pages" | wc -l) pages served at $CEM_MEDIAWIKI_URL (folder $dir)" >&2
      return 0
    fi
    kill -0 "$CEM_MEDIAWIKI_PID" 2>/dev/null || break
    sleep 0.2
  done
  tail -5 "$dir/server.log" >&2
  cem_mediawiki_stop
  cem_mediawiki_fail "the PHP server did not answer on port $port"
  return 1
}

cem_mediawiki_start
