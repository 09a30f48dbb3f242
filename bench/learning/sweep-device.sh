#!/usr/bin/env bash
# On the GPU machine (device tool): unpacks a self-contained Forge (bench/publish-linux-x64.sh host/Forge.Host, the
# Lingua models removed to fit the carry limit, packed as bench/.gpu/forge-nolingua.tar.xz) and runs a sweep plan on
# its CPU cores, results under $OUT/learning.   usage: LIMIT=500 bench/learning/sweep-device.sh plans/p2.txt
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); tar -C "$work" -xJf "$here/../.gpu/forge-nolingua.tar.xz"
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")')
export FORGE=$work/app/forge OUT=$OUT/learning JOBS=${JOBS:-14}
timeout "${LIMIT:-560}" "$here/sweep.sh" "$here/$1"
