#!/bin/sh
# Installs a published WearableEdge on this gateway under systemd. Idempotent: a second run updates
# the binaries and the unit, and keeps the configuration, the site key, the data and the users.
#
#   sudo deploy/install.sh [--publish-dir DIR] [--admin NAME] [--dry-run]
#
#   --publish-dir DIR  the `dotnet publish` output (default: artifacts/publish/linux-x64 or linux-arm64,
#                      by this machine's architecture)
#   --admin NAME       create this first admin user, once; its password is written to
#                      /etc/wearable-edge/initial-admin-password (0600 root): read it, then delete it
#   --dry-run          print every step, change nothing
#   DESTDIR=/some/dir  install under that root instead of / (for packaging and tests): the user,
#                      ownership and systemctl steps are printed, not run
set -eu

SERVICE=wearable-edge
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
DESTDIR=${DESTDIR:-}
DRY_RUN=0
ADMIN=
case "$(uname -m)" in
  aarch64|arm64) RID=linux-arm64 ;;
  *) RID=linux-x64 ;;
esac
PUBLISH_DIR="$REPO/artifacts/publish/$RID"

while [ $# -gt 0 ]; do
  case "$1" in
    --publish-dir) PUBLISH_DIR=$2; shift 2 ;;
    --admin) ADMIN=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

APP_DIR="$DESTDIR/opt/$SERVICE"
ETC_DIR="$DESTDIR/etc/$SERVICE"
DATA_DIR="$DESTDIR/var/lib/$SERVICE"
UNIT_DIR="$DESTDIR/etc/systemd/system"

# run CMD…: does it, or prints it on --dry-run.
run() {
  if [ "$DRY_RUN" = 1 ]; then echo "+ $*"; else "$@"; fi
}
# system CMD…: a step on the real system (users, ownership, systemctl): printed only under DESTDIR.
system() {
  if [ -n "$DESTDIR" ]; then echo "skipped (DESTDIR): $*"; else run "$@"; fi
}

if [ ! -x "$PUBLISH_DIR/WearableEdge.EdgeService" ]; then
  echo "install.sh: no published service in $PUBLISH_DIR." >&2
  echo "  Publish first: dotnet publish edge-service/WearableEdge.EdgeService -p:PublishProfile=$RID" >&2
  exit 2
fi
if [ -z "$DESTDIR" ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: run as root (sudo), or with --dry-run or DESTDIR=… to try it." >&2
  exit 2
fi

echo "== user $SERVICE"
if getent passwd "$SERVICE" >/dev/null 2>&1; then
  echo "exists"
else
  system useradd --system --user-group --home-dir "/var/lib/$SERVICE" --no-create-home \
    --shell /usr/sbin/nologin --comment "WearableEdge gateway" "$SERVICE"
fi

echo "== binaries -> $APP_DIR"
run mkdir -p "$APP_DIR"
# Replace the previous version's files; the configuration lives in /etc, the data in /var/lib.
run find "$APP_DIR" -mindepth 1 -delete
run cp -R "$PUBLISH_DIR/." "$APP_DIR/"
run chmod -R u=rwX,go=rX "$APP_DIR"
system chown -R root:root "$APP_DIR"

echo "== configuration -> $ETC_DIR"
run mkdir -p "$ETC_DIR"
run chmod 0750 "$ETC_DIR"
system chown "root:$SERVICE" "$ETC_DIR"
if [ -e "$ETC_DIR/appsettings.Production.json" ]; then
  echo "keeping $ETC_DIR/appsettings.Production.json"
else
  run install -m 0640 "$HERE/appsettings.Production.json" "$ETC_DIR/appsettings.Production.json"
  system chown "root:$SERVICE" "$ETC_DIR/appsettings.Production.json"
fi
# The device registry's seed (Devices:SeedFile): installed once, empty; the ward fills it in or uses
# the admin API (deploy/README.md, docs/consent.md). The service runs with Devices:Registry=Enforce.
if [ -e "$ETC_DIR/devices.json" ]; then
  echo "keeping $ETC_DIR/devices.json"
else
  run install -m 0640 "$HERE/devices.json" "$ETC_DIR/devices.json"
  system chown "root:$SERVICE" "$ETC_DIR/devices.json"
fi
# The service reads its configuration from its content root (/opt/wearable-edge): point it at /etc.
run ln -sfn "/etc/$SERVICE/appsettings.Production.json" "$APP_DIR/appsettings.Production.json"

# The site key pseudonymizes patient ids before anything leaves the gateway: made once, kept forever
# (back it up with the gateway's records; a new key makes new pseudonyms upstream).
if [ -s "$ETC_DIR/site.key" ]; then
  echo "keeping $ETC_DIR/site.key"
elif [ "$DRY_RUN" = 1 ]; then
  echo "+ head -c 32 /dev/urandom | base64 > $ETC_DIR/site.key"
else
  (umask 077 && head -c 32 /dev/urandom | base64 > "$ETC_DIR/site.key")
  chmod 0640 "$ETC_DIR/site.key"
fi
system chown "root:$SERVICE" "$ETC_DIR/site.key"

echo "== data -> $DATA_DIR"
run mkdir -p "$DATA_DIR"
run chmod 0700 "$DATA_DIR"
system chown "$SERVICE:$SERVICE" "$DATA_DIR"

if [ -n "$ADMIN" ]; then
  echo "== first admin '$ADMIN'"
  PASSWORD_FILE="$ETC_DIR/initial-admin-password"
  if [ "$DRY_RUN" = 1 ]; then
    echo "+ $APP_DIR/WearableEdge.EdgeService add-user --user $ADMIN --role admin --password-file $PASSWORD_FILE"
  else
    if [ ! -s "$PASSWORD_FILE" ]; then
      (umask 077 && head -c 18 /dev/urandom | base64 > "$PASSWORD_FILE")
    fi
    AS_SERVICE=
    if [ -z "$DESTDIR" ]; then AS_SERVICE="runuser -u $SERVICE --"; fi
    # runuser cannot read root's 0600 file: hand the password over on stdin instead.
    set +e
    $AS_SERVICE "$APP_DIR/WearableEdge.EdgeService" add-user --user "$ADMIN" --role admin \
      "--Storage:DataDirectory=$DATA_DIR" < "$PASSWORD_FILE"
    status=$?
    set -e
    case $status in
      0) echo "created; password in $PASSWORD_FILE (read it, sign in, then delete the file)" ;;
      1) echo "user '$ADMIN' already exists; left as it is" ;;
      *) echo "install.sh: add-user failed (exit $status)" >&2; exit $status ;;
    esac
  fi
fi

echo "== systemd unit -> $UNIT_DIR/$SERVICE.service"
run mkdir -p "$UNIT_DIR"
run install -m 0644 "$HERE/systemd/$SERVICE.service" "$UNIT_DIR/$SERVICE.service"
if [ -z "$DESTDIR" ] && [ ! -d /run/systemd/system ]; then
  echo "systemd is not running on this machine: the unit is installed but not started. Run the service directly:"
  echo "  sudo runuser -u $SERVICE -- env DOTNET_ENVIRONMENT=Production ASPNETCORE_CONTENTROOT=/opt/$SERVICE \\"
  echo "    Storage__DataDirectory=/var/lib/$SERVICE Sync__SiteKeyFile=/etc/$SERVICE/site.key \\"
  echo "    Devices__Registry=Enforce Devices__SeedFile=/etc/$SERVICE/devices.json /opt/$SERVICE/WearableEdge.EdgeService"
else
  system systemctl daemon-reload
  system systemctl enable "$SERVICE.service"
  system systemctl restart "$SERVICE.service"
fi
echo "== done"
