#!/usr/bin/env bash
# Builds libforge_cuda_graphs.so against an installed PyTorch, the way PyTorch's C++ extensions are built.
#   bash build.sh TORCH_DIR OUTPUT_FILE
# TORCH_DIR is torch's package folder (the one holding lib/libtorch_cuda.so and include/). Forge.Cuda runs this once
# per PyTorch version and source revision and caches the result (see src/Forge.Cuda/Graphs/GraphsLibrary.cs).
set -euo pipefail
torch=${1:?usage: build.sh TORCH_DIR OUTPUT_FILE}
out=${2:?usage: build.sh TORCH_DIR OUTPUT_FILE}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$torch/lib/libtorch_cuda.so" ] || { echo "no libtorch_cuda.so under $torch/lib" >&2; exit 1; }
cxx=${CXX:-$(command -v g++ || command -v c++ || true)}
[ -n "$cxx" ] || { echo "no C++ compiler (g++) on PATH" >&2; exit 1; }

# CUDA headers: beside nvcc, in /usr/local/cuda, or from the nvidia-*-cu* wheels installed with PyTorch.
cuda_include=""
for nvcc in "$(command -v nvcc || true)" /usr/local/cuda/bin/nvcc; do
  if [ -n "$nvcc" ] && [ -f "$(dirname "$nvcc")/../include/cuda_runtime_api.h" ]; then cuda_include=$(cd "$(dirname "$nvcc")/../include" && pwd); break; fi
done
if [ -z "$cuda_include" ]; then
  found=$(find "$torch/.." -maxdepth 5 -path '*nvidia*' -name cuda_runtime_api.h 2>/dev/null | head -1 || true)
  [ -n "$found" ] && cuda_include=$(dirname "$found")
fi
[ -n "$cuda_include" ] || { echo "no CUDA headers (cuda_runtime_api.h): install the CUDA toolkit or put nvcc on PATH" >&2; exit 1; }

# The C++ ABI libtorch was built with: from torch itself when Python can say, else from its symbols.
abi=$(python3 -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null || true)
if [ -z "$abi" ]; then
  if nm -D --defined-only "$torch/lib/libc10.so" 2>/dev/null | grep -q '__cxx11'; then abi=1; else abi=0; fi
fi

tmp="$out.tmp.$$"
mkdir -p "$(dirname "$out")"
"$cxx" -O2 -shared -fPIC -std=c++17 -D_GLIBCXX_USE_CXX11_ABI="$abi" \
  -I"$torch/include" -I"$torch/include/torch/csrc/api/include" -I"$cuda_include" \
  "$here/forge_cuda_graphs.cpp" -o "$tmp" \
  -L"$torch/lib" -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -Wl,-rpath,"$torch/lib"
mv -f "$tmp" "$out"   # atomic: another process never loads a half-written library
echo "built $out (torch $torch, CUDA headers $cuda_include, C++11 ABI $abi)"
