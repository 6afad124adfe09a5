#!/usr/bin/env python3
"""How often botocore runs `rolecall credential-process` over a credential's last 20 minutes.

    python3 tests/benches/botocore_refresh.py BIN [MINUTES] [CALLS_PER_SECOND]

Starts `BIN emulator` with role credentials that last 21 minutes, signs in, and points a
profile's `credential_process` at a wrapper that logs every run of `BIN credential-process`.
A botocore STS client then calls GetCallerIdentity CALLS_PER_SECOND times a second (2 by
default) for MINUTES minutes (20 by default): from 21 minutes before the first credential's
expiry to 1 minute before it. Prints, per minute, the API calls, the process runs and the
failures. botocore refreshes from 15 minutes before expiry (advisory) and must from 10
(mandatory), running the process on every call until it gets credentials that last longer.
Everything stays on 127.0.0.1, in a throwaway HOME.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

import botocore.credentials
import botocore.session

TARGET = "payments-dev/PowerUserAccess"
ORG = """
[settings]
device_poll_interval = 1
approve_after_seconds = 0
role_credentials_seconds = 1260

[[identity_centers]]
id = "d-1111111111"
start_url = "https://acme.awsapps.com/start"
region = "us-east-1"

[[accounts]]
id = "222222222222"
name = "payments-dev"
permission_sets = ["PowerUserAccess"]

[[users]]
name = "alice"
accounts = ["payments-dev"]
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary = os.path.abspath(sys.argv[1])
    minutes = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    home = tempfile.mkdtemp(prefix="botocore-refresh-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    org = os.path.join(home, "org.toml")
    with open(org, "w") as f:
        f.write(ORG)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": home,
        "ROLECALL_CONFIG": os.path.join(home, "rolecall.toml"),
        "ROLECALL_LOG_FILE": os.path.join(home, "rolecall.log"),
        "AWS_ENDPOINT_URL": url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
    }
    emulator = subprocess.Popen(
        [binary, "emulator", "--org", org, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        run(binary, home, env, url, minutes, rate)
    finally:
        emulator.terminate()
        emulator.wait()


def run(binary, home, env, url, minutes, rate):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), 0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    runs_log = os.path.join(home, "runs.log")
    wrapper = os.path.join(home, "credproc.sh")
    with open(wrapper, "w") as f:
        f.write(
            "#!/bin/sh\n"
            f"date +%s.%N >> '{runs_log}'\n"
            f"exec '{binary}' credential-process '{TARGET}'\n"
        )
    os.chmod(wrapper, 0o755)
    os.makedirs(os.path.join(home, ".aws"))
    with open(env["AWS_CONFIG_FILE"], "w") as f:
        f.write(
            "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"
            "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n"
            f"[profile via-rolecall]\ncredential_process = {wrapper}\nregion = us-east-1\n"
        )
    with open(env["ROLECALL_CONFIG"], "w") as f:
        f.write('[storage]\nbackend = "file"\n')
    subprocess.run(
        [binary, "login", "--device-code", "--no-browser"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ.clear()
    os.environ.update(env)
    session = botocore.session.Session(profile="via-rolecall")
    client = session.create_client("sts", region_name="us-east-1")
    start = time.time()
    per_minute = {}
    period = 1.0 / rate
    next_call = start
    while time.time() - start < minutes * 60:
        minute = int((time.time() - start) // 60)
        row = per_minute.setdefault(minute, [0, 0])
        try:
            client.get_caller_identity()
            row[0] += 1
        except Exception as e:  # counted, and the loop goes on
            row[1] += 1
            print(f"minute {minute}: {type(e).__name__}: {e}", file=sys.stderr)
        next_call += period
        time.sleep(max(0.0, next_call - time.time()))
    with open(runs_log) as f:
        stamps = [float(line) for line in f if line.strip()]
    print(f"binary: {binary}")
    print(f"botocore {botocore.__version__}: advisory refresh "
          f"{botocore.credentials.RefreshableCredentials._advisory_refresh_timeout} s, "
          f"mandatory {botocore.credentials.RefreshableCredentials._mandatory_refresh_timeout} s")
    print("| minute | minutes left on the first credential | API calls | process runs | failures |")
    print("|---:|---:|---:|---:|---:|")
    total_runs = 0
    for minute in sorted(per_minute):
        calls, failures = per_minute[minute]
        # The client's first credentials are fetched when it is created, just before `start`.
        runs = sum(1 for s in stamps if max(0, int((s - start) // 60)) == minute)
        total_runs += runs
        print(f"| {minute} | {21 - minute} | {calls} | {runs} | {failures} |")
    calls = sum(r[0] for r in per_minute.values())
    failures = sum(r[1] for r in per_minute.values())
    print(f"\ntotal: {calls} API calls, {total_runs} process runs "
          f"({total_runs / minutes:.1f} a minute), {failures} failures")


if __name__ == "__main__":
    main()
