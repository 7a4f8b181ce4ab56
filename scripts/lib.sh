# shellcheck shell=bash
# Shared by scripts/up, scripts/down and scripts/test: finding a JDK, installing what is
# missing, starting PostgreSQL and Redis, and the list of services. Sourced, never run.

FARTHING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FARTHING_DIR="$FARTHING_ROOT/.farthing"
FARTHING_DB_HOST="${FARTHING_DB_HOST:-127.0.0.1}"
FARTHING_DB_PORT="${FARTHING_DB_PORT:-5432}"
FARTHING_DB_USER="${FARTHING_DB_USER:-postgres}"
FARTHING_REDIS_HOST="${FARTHING_REDIS_HOST:-127.0.0.1}"
FARTHING_REDIS_PORT="${FARTHING_REDIS_PORT:-6379}"
MIN_JAVA=21
JVM_DIR="${FARTHING_JVM_DIR:-/usr/lib/jvm}" # where Debian/Ubuntu and Temurin packages put JDKs

# set -e stops a script silently; say where and why instead.
trap 'printf "error: %s stopped at line %s (exit %s): %s\n" "${0##*/}" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR

if [[ -t 2 ]]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
say() { printf '%s==> %s%s\n' "$BOLD" "$*" "$PLAIN" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "'$*' needs root: run this script as root or install sudo"
  fi
}

# --- Packages ------------------------------------------------------------------------------

APT_UPDATED=0
apt_update() {
  command -v apt-get >/dev/null || return 1
  if [[ $APT_UPDATED -eq 0 ]]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
}

apt_install() {
  apt_update ||
    die "missing: $* -- this script installs with apt-get (Debian/Ubuntu); install them yourself and re-run"
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# True when apt knows a package it could install (after apt-get update).
apt_has() {
  local candidate
  candidate="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')"
  [[ -n $candidate && $candidate != "(none)" ]]
}

postgres_server_installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

# PostgreSQL, Redis and the small tools the scripts and the Maven wrapper use (unzip: the
# wrapper falls back to a .tar.gz without it, which would not match the pinned checksum).
ensure_packages() {
  local missing=()
  postgres_server_installed && command -v pg_isready >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  # promtool (deploy/'s AlertRulesTest evaluates the chart's alert rules with it); the package's
  # server is not started by anything here.
  command -v promtool >/dev/null || missing+=(prometheus)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi
}

# --- JDK -----------------------------------------------------------------------------------

# Major version of the JDK at $1 (from its `release` file), or nothing if it is not a JDK.
jdk_major() {
  local home=$1 version
  [[ -x $home/bin/java && -x $home/bin/javac && -f $home/release ]] || return 1
  version="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$home/release")"
  version="${version#1.}" # 1.8.0 -> 8.0
  [[ ${version%%[.+-]*} =~ ^[0-9]+$ ]] || return 1
  echo "${version%%[.+-]*}"
}

# Prints the JDK to build and run with: $FARTHING_JAVA_HOME if set, else Temurin 25, else the
# newest JDK >= 21 under /usr/lib/jvm, else $JAVA_HOME or the `java` on PATH if new enough.
find_jdk() {
  local candidate major best="" best_major=0
  if [[ -n ${FARTHING_JAVA_HOME:-} ]]; then
    major="$(jdk_major "$FARTHING_JAVA_HOME")" && ((major >= MIN_JAVA)) ||
      die "FARTHING_JAVA_HOME=$FARTHING_JAVA_HOME is not a JDK >= $MIN_JAVA"
    echo "$FARTHING_JAVA_HOME"
    return
  fi
  for candidate in "$JVM_DIR"/temurin-25-jdk-*; do
    if major="$(jdk_major "$candidate")" && ((major >= MIN_JAVA)); then
      echo "$candidate"
      return
    fi
  done
  for candidate in "$JVM_DIR"/* "${JAVA_HOME:-}" \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java || echo /nonexistent)")")")"; do
    [[ -n $candidate ]] || continue
    if major="$(jdk_major "$candidate")" && ((major > best_major)); then
      best="$(readlink -f "$candidate")" best_major=$major
    fi
  done
  ((best_major >= MIN_JAVA)) || return 1
  echo "$best"
}

# Sets JAVA_HOME to a JDK >= 21, installing OpenJDK 25 or 21 from apt if none is found.
ensure_jdk() {
  local home package
  if ! home="$(find_jdk)"; then
    for package in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
      if apt_update && apt_has "$package"; then
        apt_install "$package"
        break
      fi
    done
    home="$(find_jdk)" || die "no JDK >= $MIN_JAVA found and apt offers none (openjdk-25-jdk-headless, \
openjdk-21-jdk-headless). Install one -- e.g. Eclipse Temurin 25 (temurin-25-jdk, from \
https://adoptium.net) -- or point FARTHING_JAVA_HOME at it, and re-run."
  fi
  export JAVA_HOME="$home"
  export JAVA_MAJOR
  JAVA_MAJOR="$(jdk_major "$home")"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# --- PostgreSQL and Redis ------------------------------------------------------------------

is_loopback() { [[ $1 == 127.* || $1 == localhost || $1 == ::1 ]]; }

postgres_ready() { pg_isready -q -h "$FARTHING_DB_HOST" -p "$FARTHING_DB_PORT" 2>/dev/null; }
redis_ready() {
  [[ "$(redis-cli -h "$FARTHING_REDIS_HOST" -p "$FARTHING_REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

# Waits up to $1 seconds for the check $2 to pass.
wait_for() {
  local seconds=$1 check=$2 i
  for ((i = 0; i < seconds * 4; i++)); do
    "$check" && return 0
    sleep 0.25
  done
  return 1
}

# The PostgreSQL cluster to start: the one configured on our port, else the newest `main`.
postgres_cluster() {
  local version name port
  while read -r version name port _; do
    if [[ $port == "$FARTHING_DB_PORT" ]]; then
      echo "$version $name"
      return
    fi
  done < <(pg_lsclusters -h 2>/dev/null)
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [[ -n $version ]] && echo "$version main"
}

start_postgres() {
  postgres_ready && return 0
  is_loopback "$FARTHING_DB_HOST" ||
    die "PostgreSQL at $FARTHING_DB_HOST:$FARTHING_DB_PORT does not answer (not local: start it yourself)"
  local cluster version name
  cluster="$(postgres_cluster)"
  if [[ -z $cluster ]]; then
    # postgresql-common normally creates "main" on install; some images turn that off.
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    say "Creating PostgreSQL $version cluster main"
    as_root pg_createcluster "$version" main -p "$FARTHING_DB_PORT" >/dev/null
    cluster="$version main"
  fi
  read -r version name <<<"$cluster"
  say "Starting PostgreSQL $version/$name"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start 2>/dev/null ||
    as_root service postgresql start 2>/dev/null ||
    as_root systemctl start postgresql 2>/dev/null || true
  wait_for 30 postgres_ready ||
    die "PostgreSQL did not answer on $FARTHING_DB_HOST:$FARTHING_DB_PORT within 30 s \
(see /var/log/postgresql/postgresql-$version-$name.log)"
}

start_redis() {
  redis_ready && return 0
  is_loopback "$FARTHING_REDIS_HOST" ||
    die "Redis at $FARTHING_REDIS_HOST:$FARTHING_REDIS_PORT does not answer (not local: start it yourself)"
  say "Starting Redis on 127.0.0.1:$FARTHING_REDIS_PORT (in memory only)"
  # Redis holds only state that can be rebuilt, so nothing is saved to disk.
  (cd / && redis-server --daemonize yes --bind 127.0.0.1 --port "$FARTHING_REDIS_PORT" \
    --save "" --appendonly no >/dev/null)
  wait_for 15 redis_ready || die "Redis did not answer on 127.0.0.1:$FARTHING_REDIS_PORT within 15 s"
}

# --- Database login ------------------------------------------------------------------------

psql_tcp() {
  PGPASSWORD="${FARTHING_DB_PASSWORD:-}" PGCONNECT_TIMEOUT=5 psql -X -q -w -v ON_ERROR_STOP=1 \
    -h "$FARTHING_DB_HOST" -p "$FARTHING_DB_PORT" -U "$FARTHING_DB_USER" -d postgres "$@"
}

# Runs SQL as the PostgreSQL superuser: over TCP when we can log in, else as the postgres OS
# user through the local socket (peer authentication, which a fresh install allows).
psql_admin() {
  if psql_tcp -c 'select 1' >/dev/null 2>&1; then
    psql_tcp "$@"
  else
    (cd / && as_root runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$FARTHING_DB_PORT" -d postgres "$@")
  fi
}

# Makes sure the services and tests can log in over TCP as $FARTHING_DB_USER. Where 127.0.0.1
# trusts local connections (many dev set-ups) nothing is needed. Where it asks for a password
# (a fresh Debian/Ubuntu install: scram-sha-256) and the postgres role has none yet, a random
# one is set and kept in .farthing/db.env (mode 600), which up and test both read.
ensure_db_login() {
  local db_env="$FARTHING_DIR/db.env" password has_password
  if [[ -z ${FARTHING_DB_PASSWORD:-} && -f $db_env ]]; then
    # shellcheck source=/dev/null
    set -a && . "$db_env" && set +a
  fi
  export FARTHING_DB_HOST FARTHING_DB_PORT FARTHING_DB_USER
  psql_tcp -c 'select 1' >/dev/null 2>&1 && return 0
  is_loopback "$FARTHING_DB_HOST" && [[ $FARTHING_DB_USER == postgres && -z ${FARTHING_DB_PASSWORD:-} ]] ||
    die "cannot log in to PostgreSQL at $FARTHING_DB_HOST:$FARTHING_DB_PORT as $FARTHING_DB_USER: \
check FARTHING_DB_USER / FARTHING_DB_PASSWORD"
  has_password="$(psql_admin -Atc "select rolpassword is not null from pg_authid where rolname = 'postgres'")"
  [[ $has_password == f ]] ||
    die "PostgreSQL asks for a password for role postgres on $FARTHING_DB_HOST and the role already \
has one: export FARTHING_DB_PASSWORD=... (or write it to $db_env) and re-run"
  say "PostgreSQL wants a password on $FARTHING_DB_HOST: giving role postgres a random one ($db_env)"
  password="$(random_token 32)"
  psql_admin -c "alter role postgres password '$password'" >/dev/null
  mkdir -p "$FARTHING_DIR"
  (umask 077 && printf '# Written by scripts/up or scripts/test: the local PostgreSQL login.\nFARTHING_DB_USER=postgres\nFARTHING_DB_PASSWORD=%s\n' \
    "$password" >"$db_env")
  export FARTHING_DB_PASSWORD="$password"
  psql_tcp -c 'select 1' >/dev/null || die "still cannot log in to PostgreSQL as postgres over TCP"
}

# --- Services ------------------------------------------------------------------------------

# Every service module present, e.g. "auth-svc".
services() {
  local dir
  for dir in "$FARTHING_ROOT"/*-svc; do
    [[ -f $dir/pom.xml ]] && basename "$dir"
  done
}

service_db() { echo "farthing_${1%-svc}"; }

service_port() {
  case $1 in
    auth-svc) echo 8101 ;;
    payments-svc) echo 8102 ;;
    risk-svc) echo 8103 ;;
    notify-svc) echo 8104 ;;
    *) die "no port assigned to $1: add it to service_port in scripts/lib.sh" ;;
  esac
}

# Alphanumeric random string of length $1.
random_token() {
  local out=""
  while ((${#out} < $1)); do
    out+="$(head -c 64 /dev/urandom | base64 -w 0 | tr -dc 'A-Za-z0-9')"
  done
  echo "${out:0:$1}"
}

# Appends NAME=VALUE ($2, $3) to the secrets file $1 unless the file already sets NAME; every
# other line is kept as it is (the data keys in it must never change).
ensure_secret() {
  local file=$1 name=$2 value=$3
  if grep -q "^$name=" "$file"; then
    return 0
  fi
  say "Adding $name to $file"
  (
    umask 077
    # A last line without its newline would otherwise run into the new one.
    if [[ -s $file && -n "$(tail -c 1 "$file")" ]]; then
      echo >>"$file"
    fi
    printf '%s=%s\n' "$name" "$value" >>"$file"
  )
}

# True when $1 is a live process started from a Quarkus fast-jar (guards against reused pids).
is_service_pid() {
  [[ -n $1 && -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q 'quarkus-run.jar'
}

# Stops the service whose pid file is $1: SIGTERM, then SIGKILL after $2 seconds.
stop_service() {
  local pidfile=$1 timeout=$2 svc pid mode i
  svc="$(basename "$pidfile" .pid)"
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  mode="$(cat "${pidfile%.pid}.mode" 2>/dev/null || true)"
  if ! is_service_pid "$pid"; then
    rm -f "$pidfile" "${pidfile%.pid}.mode"
    return 0
  fi
  if [[ $mode == training ]]; then
    # A training run writes its AOT cache when it exits: give the JVM time to assemble it.
    timeout=$((timeout + 120))
    say "Stopping $svc (pid $pid); it writes its AOT cache on the way out (20-60 s)"
  else
    say "Stopping $svc (pid $pid)"
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$svc did not stop within ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    # A cache cut off half-written would only be rejected at every start: train again instead.
    [[ $mode == training ]] && rm -f "$FARTHING_DIR/aot/$svc"-*
  fi
  rm -f "$pidfile" "${pidfile%.pid}.mode"
}
