#!/bin/sh
# Start with an empty folder for prometheus_client's multiprocess files (counters of processes that are gone would
# otherwise be added to the new ones), then run the command (default: serve; migrates and publishes first).
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  rm -rf "${PROMETHEUS_MULTIPROC_DIR}"
  mkdir -p "${PROMETHEUS_MULTIPROC_DIR}"
fi
exec "$@"
