#!/usr/bin/env bash
# The tests, as README gives them and .ci/run runs them: brings what the tests need that a fresh machine may lack,
# then runs every test project of the solution. Extra arguments go to dotnet test (e.g. --filter Report).
#  - chromium (Debian's package): the report test opens report.html in a real headless browser; installed with apt-get
#    when absent (as root, or through sudo), else the run goes on and that test says why it failed.
#  - OMP_NUM_THREADS=1 unless set: libtorch's OpenMP workers spin while they wait, and test classes run in parallel
#    (measured: Forge.Core.Tests 16 s instead of 40 s on 2 cores, same results).
set -uo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || echo "warning: could not install chromium; the report test will fail" >&2
fi
exec dotnet test Framework.sln -c Release "$@"
