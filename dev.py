#!/usr/bin/env python3
"""Set up and run Inspectie from a fresh clone with nothing but Python >= 3.11.

    python3 dev.py run     install into .venv, seed demo data, start the server and the inspector app
    python3 dev.py test    install into .venv (with test tools), then ruff, mypy and the whole pytest suite
                           (extra arguments go to pytest, e.g. python3 dev.py test -k engine)

Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"

DEMO_USERS = [
    ("inspecteur1", "inspecteur (inspector app)"),
    ("inspecteur2", "inspecteur (inspector app)"),
    ("teamleider1", "teamleider (office app)"),
    ("ketenregisseur1", "ketenregisseur (office app)"),
    ("planner1", "planner (office app)"),
    ("beheerder1", "beheerder (office app)"),
    ("teamleider-vb", "teamleider, Gemeente Voorbeeldstad (office app; another organisation)"),
    ("inspecteur-vb", "inspecteur, Gemeente Voorbeeldstad (inspector app; another organisation)"),
]
DEMO_PASSWORD = "demo-wachtwoord"


def ensure_env(extras: str) -> None:
    """Create .venv and install the project once per change of pyproject.toml."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before any check of the interpreter
        sys.exit("Inspectie needs Python 3.11 or newer.")
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    print(f"installing {target} into .venv ...", flush=True)
    run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "--quiet", "-e", target])
    stamp.write_text(digest)


def run(cmd: list[str], **kw: object) -> None:
    result = subprocess.run(cmd, cwd=ROOT, **kw)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(result.returncode)


def wait_for(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except OSError:
            time.sleep(0.3)
    return False


def cmd_run(args: argparse.Namespace) -> None:
    ensure_env("server")
    server = str(BIN / "inspectie-server")
    app = str(BIN / "inspectie-app")
    env = {**os.environ, "INSPECTIE_DATA_DIR": str(Path(args.data_dir).resolve() / "server")}
    run([server, "seed-demo"], env=env)
    server_url = f"http://{args.host}:{args.server_port}"
    procs = [
        subprocess.Popen([server, "serve", "--host", args.host, "--port", str(args.server_port)], cwd=ROOT, env=env),
        subprocess.Popen([app, "--web", "--server", server_url, "--host", args.host, "--port", str(args.app_port),
                          "--data-dir", str(Path(args.data_dir).resolve() / "tablet")], cwd=ROOT),
    ]
    try:
        ok = wait_for(f"{server_url}/healthz") and wait_for(f"http://{args.host}:{args.app_port}/")
        print("\n" + ("Inspectie is running." if ok else "Inspectie did not start in time; see the log above."))
        print(f"  Inspector app (tablet):  http://{args.host}:{args.app_port}/")
        print(f"  Office app:              {server_url}/app/  (teamleider, ketenregisseur, planner, beheerder)")
        print(f"  API documentation:       {server_url}/docs")
        print(f"  Demo logins (password '{DEMO_PASSWORD}' for all, fictional):")
        for user, role in DEMO_USERS:
            print(f"    {user:<16} {role}")
        print("Stop with Ctrl-C.\n", flush=True)
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def cmd_test(args: argparse.Namespace) -> None:
    ensure_env("server,test")
    run([str(BIN / "ruff"), "check", "."])
    run([str(BIN / "mypy"), "schemas", "sync_server", "inspectie_app"])  # schemas strictly (pyproject)
    run([str(BIN / "inspectie-server"), "catalogue", "test", "assets/cases"])
    result = subprocess.run([str(PY), "-m", "pytest", "-n", "2", "--dist", "loadfile", "--durations=20",
                             *args.pytest_args], cwd=ROOT)
    if result.returncode == 5:
        print("pytest collected no tests: that is a failure.", file=sys.stderr)
        sys.exit(1)
    sys.exit(result.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="set up and run the server (demo data) and the inspector app")
    p_run.add_argument("--host", default="127.0.0.1")
    p_run.add_argument("--server-port", type=int, default=8000)
    p_run.add_argument("--app-port", type=int, default=8550)
    p_run.add_argument("--data-dir", default="inspectie-data", help="where the demo keeps its data")
    p_run.set_defaults(func=cmd_run)
    p_test = sub.add_parser("test", help="set up and run ruff, mypy and the whole test suite")
    p_test.set_defaults(func=cmd_test)
    args, extra = parser.parse_known_args()
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    args.func(args)


if __name__ == "__main__":
    main()
