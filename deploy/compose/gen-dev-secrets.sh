#!/usr/bin/env bash
# Generates development secrets for the compose stack under ./secrets (ignored by git):
#   secrets/tls/ca.{crt,key}            a private CA (10 years) for this box
#   secrets/tls/mosquitto.{crt,key}     Mosquitto's server certificate (CN/SAN: mosquitto, localhost, this host)
#   secrets/tls/edge.{crt,key}          the edge service's HTTPS certificate (SAN: localhost, this host, GATEWAY_NAME)
#   secrets/mosquitto/passwd            Mosquitto password file: gateway, nurse-app, healthcheck
#   secrets/mosquitto/*.password        the plain passwords, for the clients that need them
#   secrets/site.key                    the site key that pseudonymizes patient ids (32 random bytes, hex)
#   secrets/edge-admin.password         the edge service's first admin password (Auth:BootstrapAdmin)
# Existing files are kept (run with --force to replace them). With --write-env, a .env is written
# from .env.example with random passwords and token, unless .env exists.
#
# For development and trials only: in production use certificates from the site's own CA and keep
# the CA key off the gateway. Needs openssl; mosquitto_passwd from the local Mosquitto package,
# or else from the eclipse-mosquitto image through docker.
set -euo pipefail

cd "$(dirname "$0")"
force=false
write_env=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    --write-env) write_env=true ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

umask 077
mkdir -p secrets/tls secrets/mosquitto
# The folder keeps everyone else on this host out; the files inside are readable by the
# containers' own non-root users (Mosquitto's, the edge service's), which a bind mount needs.
chmod 0700 secrets

random() { openssl rand -hex "$1"; }
need() { $force || [ ! -s "$1" ]; }

gateway_name=wearable-edge-gateway
if [ -f .env ]; then
  gateway_name=$(sed -n 's/^GATEWAY_NAME=//p' .env | tail -n 1)
  gateway_name=${gateway_name:-wearable-edge-gateway}
fi

if need secrets/tls/ca.crt; then
  openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes \
    -keyout secrets/tls/ca.key -out secrets/tls/ca.crt -subj "/CN=WearableEdge dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  echo "created secrets/tls/ca.crt"
fi

issue() { # name, common name, subjectAltName
  local name=$1 cn=$2 san=$3
  if need "secrets/tls/$name.crt"; then
    openssl req -newkey rsa:2048 -sha256 -nodes -keyout "secrets/tls/$name.key" -out "secrets/tls/$name.csr" -subj "/CN=$cn" 2>/dev/null
    openssl x509 -req -in "secrets/tls/$name.csr" -CA secrets/tls/ca.crt -CAkey secrets/tls/ca.key -CAcreateserial \
      -days 825 -sha256 -out "secrets/tls/$name.crt" \
      -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san") 2>/dev/null
    rm -f "secrets/tls/$name.csr"
    echo "created secrets/tls/$name.crt ($san)"
  fi
}

host=$(hostname)
issue mosquitto mosquitto "DNS:mosquitto,DNS:localhost,DNS:$host,IP:127.0.0.1"
issue edge "$gateway_name" "DNS:localhost,DNS:$host,DNS:$gateway_name,IP:127.0.0.1"

for account in gateway nurse-app healthcheck; do
  if need "secrets/mosquitto/$account.password"; then
    random 24 > "secrets/mosquitto/$account.password"
  fi
done

if [ -f .env ]; then
  # The health check's password comes from .env: keep the two the same.
  from_env=$(sed -n 's/^MQTT_HEALTHCHECK_PASSWORD=//p' .env | tail -n 1)
  if [ -n "$from_env" ] && [ "$from_env" != CHANGE-ME ]; then
    printf '%s\n' "$from_env" > secrets/mosquitto/healthcheck.password
  fi
fi

if need secrets/mosquitto/passwd || $force; then
  : > secrets/mosquitto/passwd
  for account in gateway nurse-app healthcheck; do
    password=$(tr -d '\n' < "secrets/mosquitto/$account.password")
    if command -v mosquitto_passwd > /dev/null; then
      mosquitto_passwd -b secrets/mosquitto/passwd "$account" "$password"
    else
      docker run --rm -v "$PWD/secrets/mosquitto:/m" eclipse-mosquitto:2.0.20 \
        mosquitto_passwd -b /m/passwd "$account" "$password"
    fi
  done
  echo "created secrets/mosquitto/passwd (gateway, nurse-app, healthcheck)"
fi

if need secrets/site.key; then
  random 32 > secrets/site.key
  echo "created secrets/site.key (keep a backup: pseudonyms upstream depend on it)"
fi

if need secrets/edge-admin.password; then
  random 16 > secrets/edge-admin.password
  echo "created secrets/edge-admin.password (the edge service's first admin; sign in, then change it)"
fi

if $write_env && [ ! -f .env ]; then
  sed -e "s/^INFLUXDB_ADMIN_PASSWORD=CHANGE-ME/INFLUXDB_ADMIN_PASSWORD=$(random 16)/" \
      -e "s/^INFLUXDB_TOKEN=CHANGE-ME/INFLUXDB_TOKEN=$(random 32)/" \
      -e "s/^GRAFANA_ADMIN_PASSWORD=CHANGE-ME/GRAFANA_ADMIN_PASSWORD=$(random 16)/" \
      -e "s/^MQTT_HEALTHCHECK_PASSWORD=CHANGE-ME/MQTT_HEALTHCHECK_PASSWORD=$(tr -d '\n' < secrets/mosquitto/healthcheck.password)/" \
      .env.example > .env
  echo "created .env with random passwords and token"
fi

# Readable inside the containers (their users are not this host's user); the 0700 folder guards them here.
chmod 0644 secrets/tls/*.crt secrets/tls/mosquitto.key secrets/tls/edge.key secrets/mosquitto/* secrets/site.key secrets/edge-admin.password
chmod 0600 secrets/tls/ca.key
if [ -f .env ] && grep -q '=CHANGE-ME' .env; then
  echo "warning: .env still has CHANGE-ME values; set them (or delete .env and run again with --write-env)" >&2
fi
echo "done: secrets in $(pwd)/secrets"
