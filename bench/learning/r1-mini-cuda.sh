#!/usr/bin/env bash
# On the GPU machine (device tool, carry .gpu from tests/gpu/pack.sh): the default pipeline (r1-mini) with every stage
# on cuda, one run per seed, JOBS at once on the one GPU; prints r1-mini-seeds.sh's table.
#   usage: JOBS=4 bash bench/learning/r1-mini-cuda.sh 0 1 2 3
set -u
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
work=$(mktemp -d); tar -C "$work" -xJf "$root/.gpu/forge-gpu.tar.xz"
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")') NCCL_NVLS_ENABLE=0
sets=""; for stage in 0 1 2 3; do sets="$sets --set Pipelines:r1-mini:Stages:$stage:Device=cuda"; done
cd "$root/host/Forge.Host"   # the pipeline names its data relative to the host's folder
FORGE=$work/host/forge RUN_ARGS="$sets" OUT=${OUT:-/tmp}/r1-mini-cuda JOBS=${JOBS:-4} timeout "${LIMIT:-560}" "$here/r1-mini-seeds.sh" "$@"
