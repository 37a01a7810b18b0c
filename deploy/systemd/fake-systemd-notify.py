#!/usr/bin/env python3
"""Stands in for systemd's notify socket where systemd is not PID 1 (containers, CI): names itself
"systemd" (Microsoft.Extensions.Hosting.Systemd checks the parent's name), opens NOTIFY_SOCKET, sets
WATCHDOG_USEC, runs the command as its child, prints every notification with its time, and stops
the child with SIGTERM after --seconds.

    deploy/systemd/fake-systemd-notify.py --watchdog-sec 4 --seconds 20 -- /opt/wearable-edge/WearableEdge.EdgeService
"""
import argparse, ctypes, os, signal, socket, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--watchdog-sec", type=float, default=4)
parser.add_argument("--seconds", type=float, default=20)
parser.add_argument("command", nargs="+")
args = parser.parse_args()

ctypes.CDLL(None).prctl(15, b"systemd", 0, 0, 0)  # PR_SET_NAME: /proc/<pid>/comm = systemd
path = os.path.join(tempfile.mkdtemp(), "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)
sock.settimeout(0.5)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(int(args.watchdog_sec * 1_000_000)))
child = subprocess.Popen(args.command, env=env, stdout=subprocess.DEVNULL)
start = time.monotonic()
last_pet = None
stopping = False
while child.poll() is None:
    if not stopping and time.monotonic() - start > args.seconds:
        child.send_signal(signal.SIGTERM)
        stopping = True
    try:
        message = sock.recv(4096).decode()
    except socket.timeout:
        continue
    now = time.monotonic() - start
    gap = "" if last_pet is None or message != "WATCHDOG=1" else f" (+{now - last_pet:.1f} s)"
    if message == "WATCHDOG=1":
        last_pet = now
    print(f"{now:6.1f} s  {message}{gap}", flush=True)
print(f"exit code {child.returncode}", flush=True)
sys.exit(0)
