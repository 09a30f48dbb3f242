#!/usr/bin/env bash
# The GPU suite, one command on a GPU machine (device tool: carry .gpu, made here by tests/gpu/pack.sh):
#   bash tests/gpu/run.sh [CHECK ...]
# Unpacks the published Forge, runs it on the machine's PyTorch libtorch and checks it against transformers
# (tests/gpu/checks.py says what). Ends with one line `N passed, N failed`; exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d); tar -C "$work" -xJf "$root/.gpu/forge-gpu.tar.xz"
torch_lib=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")')
nccl_lib=$(python3 -c 'import nvidia.nccl as n,os;print(os.path.join(list(n.__path__)[0],"lib"))' 2>/dev/null || true)
export LD_LIBRARY_PATH=$torch_lib${nccl_lib:+:$nccl_lib}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
export FORGE=$work/host/forge CHECKS=$work/checks/Forge.GpuChecks
cd "$root/host/Forge.Host"   # the shipped pipelines name their data relative to the host's folder
python3 "$root/tests/gpu/checks.py" "$@"   # names of checks to run only those, e.g. parity save_in_transformers
