#!/usr/bin/env bash
# On the GPU machine (device tool): unpacks a self-contained Forge (bench/publish-linux-x64.sh host/Forge.Host, the
# Lingua models removed to fit the carry limit, packed as bench/.gpu/forge-nolingua.tar.xz) and runs the default
# pipeline for many seeds at once on its CPU cores.   usage: JOBS=8 OMP_NUM_THREADS=2 bench/learning/r1-mini-device.sh SEED...
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); tar -C "$work" -xJf "$here/../.gpu/forge-nolingua.tar.xz"
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")')
FORGE=$work/app/forge OUT=$OUT/r1-mini timeout "${LIMIT:-560}" "$here/r1-mini-seeds.sh" "$@"
