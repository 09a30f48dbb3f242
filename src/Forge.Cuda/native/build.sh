#!/usr/bin/env bash
# Builds libforge_cuda_graphs.so against an installed PyTorch, the way PyTorch's C++ extensions are built: the graph
# calls by g++, the fused decoding kernels (forge_decode_kernels.cu) by nvcc when there is one.
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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
torch_flags=(-I"$torch/include" -I"$torch/include/torch/csrc/api/include" -I"$cuda_include")
torch_libs=(-L"$torch/lib" -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda)

# The fused decoding kernels need nvcc; without it the library has CUDA graphs only and Forge decodes with libtorch's
# kernels (it says so once). The architecture is the GPU's own when nvidia-smi can tell, else nvcc's "native".
nvcc=$(command -v nvcc || { [ -x /usr/local/cuda/bin/nvcc ] && echo /usr/local/cuda/bin/nvcc; } || true)
kernels="no fused kernels (no nvcc)"
if [ -n "$nvcc" ]; then
  arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .' || true)
  if [ -n "$arch" ]; then gpu=(-gencode "arch=compute_$arch,code=sm_$arch"); else gpu=(-arch=native); fi
  if "$nvcc" -O3 -std=c++17 -Xcompiler -fPIC "${gpu[@]}" -c "$here/forge_decode_kernels.cu" -o "$work/kernels.o" 2>"$work/nvcc.log" &&
     "$cxx" -O2 -fPIC -std=c++17 -D_GLIBCXX_USE_CXX11_ABI="$abi" -DFORGE_KERNELS "${torch_flags[@]}" \
       -c "$here/forge_cuda_graphs.cpp" -o "$work/graphs.o" &&
     "$nvcc" -shared -Xcompiler -fPIC "$work/graphs.o" "$work/kernels.o" -o "$tmp" "${torch_libs[@]}" -Xlinker -rpath="$torch/lib" 2>>"$work/nvcc.log"; then
    kernels="fused kernels for $([ -n "$arch" ] && echo "sm_$arch" || echo "the native GPU") by $nvcc"
  else
    # The graphs alone still pay: build them without the kernels and say why the kernels are missing.
    kernels="no fused kernels ($nvcc failed: $(grep -m1 -i error "$work/nvcc.log" || tail -1 "$work/nvcc.log"))"
    rm -f "$tmp"
  fi
fi
if [ ! -f "$tmp" ]; then
  "$cxx" -O2 -shared -fPIC -std=c++17 -D_GLIBCXX_USE_CXX11_ABI="$abi" "${torch_flags[@]}" \
    "$here/forge_cuda_graphs.cpp" -o "$tmp" "${torch_libs[@]}" -Wl,-rpath,"$torch/lib"
fi
echo "$kernels" > "$out.kernels"   # read back by GraphsLibrary.KernelsNote
mv -f "$tmp" "$out"   # atomic: another process never loads a half-written library
echo "built $out (torch $torch, CUDA headers $cuda_include, C++11 ABI $abi, $kernels)"
