#!/usr/bin/env bash
# Makes what deploy/mosquitto/mosquitto.conf needs: a site CA, the broker's TLS certificate, a
# password file with the service, nurse-app and wearable accounts (random passwords, each also
# written to secrets/<account>.password, mode 0600), the ACL, and the configuration itself with its
# paths pointing at the chosen folder. Idempotent: existing keys, certificates and passwords are
# kept; run it again to add wearables. See docs/mqtt-security.md.
#
#   sudo deploy/mosquitto/setup-mosquitto.sh [--dir DIR] [--host NAME]... [--device PATIENT_ID]...
#
#   --dir DIR            target folder (default /etc/mosquitto/wearable-edge)
#   --host NAME          a host name clients put in mqtts://NAME:8883; repeatable
#                        (default: this machine's host name and localhost)
#   --device PATIENT_ID  add a wearable account named after the patient id it publishes for; repeatable
#
# Afterwards: install DIR/mosquitto.conf as /etc/mosquitto/mosquitto.conf, restart mosquitto,
# give the edge service DIR/ca.crt and a copy of secrets/wearable-edge.password readable by its user.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir=/etc/mosquitto/wearable-edge
hosts=()
devices=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) dir="$2"; shift 2 ;;
        --host) hosts+=("$2"); shift 2 ;;
        --device) devices+=("$2"); shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [[ ${#hosts[@]} -eq 0 ]]; then
    hosts=("$(hostname)" localhost)
fi
for device in "${devices[@]}"; do
    # The same rule as the contract's patient ids: one topic level, no MQTT wildcards.
    if [[ ! "$device" =~ ^[A-Za-z0-9._-]{1,64}$ ]]; then
        echo "error: --device '$device' is not a patient id ([A-Za-z0-9._-], 1-64 characters)" >&2
        exit 2
    fi
done
for tool in openssl mosquitto_passwd; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed (apt-get install openssl mosquitto)" >&2; exit 1; }
done

umask 077
mkdir -p "$dir/secrets"
cd "$dir"

if [[ ! -f ca.key ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj "/CN=WearableEdge site CA" -keyout ca.key -out ca.crt 2>/dev/null
    echo "made the site CA: $dir/ca.crt (keep ca.key offline once the certificates are made)"
fi

if [[ ! -f server.crt ]]; then
    san=""
    for host in "${hosts[@]}"; do
        san+="${san:+,}DNS:$host"
    done
    printf "subjectAltName=%s\nextendedKeyUsage=serverAuth\n" "$san" > server.ext
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj "/CN=${hosts[0]}" -keyout server.key -out server.csr 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
        -extfile server.ext -out server.crt 2>/dev/null
    rm -f server.csr
    echo "made the broker certificate for $san, valid 825 days"
fi

touch passwd
add_account() {
    local account="$1"
    if ! grep -q "^${account}:" passwd; then
        openssl rand -base64 24 | tr -d '\n' > "secrets/$account.password"
        # Hash through a temporary plain-text file (-U), not -b, which would show the password
        # in the process list.
        local plain
        plain="$(mktemp)"
        printf "%s:%s\n" "$account" "$(cat "secrets/$account.password")" > "$plain"
        mosquitto_passwd -U "$plain"
        cat "$plain" >> passwd
        rm -f "$plain"
        echo "added account $account (password in $dir/secrets/$account.password)"
    fi
}
add_account wearable-edge
add_account nurse-app
for device in "${devices[@]}"; do
    add_account "$device"
done

install -m 0644 "$here/acl" acl
sed -e "s#/etc/mosquitto/wearable-edge/#${dir%/}/#g" "$here/mosquitto.conf" > mosquitto.conf
chmod 0644 ca.crt server.crt mosquitto.conf
if [[ $EUID -eq 0 ]] && getent group mosquitto >/dev/null; then
    # Mosquitto reads its key and password file as the mosquitto user.
    chgrp mosquitto . server.key passwd
    chmod 0750 .
    chmod 0640 server.key passwd
fi
echo "ready: $dir/mosquitto.conf"
