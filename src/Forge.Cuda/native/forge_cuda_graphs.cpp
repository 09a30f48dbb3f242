// CUDA graphs for TorchSharp: the few libtorch calls TorchSharp does not expose, behind a C ABI for P/Invoke
// (src/Forge.Cuda/Graphs/GraphsNative.cs), and the launchers of the fused decoding kernels (forge_decode_kernels.cu,
// compiled in when build.sh finds nvcc) on libtorch's current stream. Built on the GPU machine against the installed
// PyTorch by build.sh.
// Every function returns 0 on success and -1 on failure; forge_graphs_last_error() then says why (per thread).
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cuda_runtime_api.h>

#include <exception>
#include <string>

#ifdef FORGE_KERNELS
extern "C" {
int forge_add_rms_norm_launch(int dtype, const void* x, const void* delta, const void* weight, void* sum, void* out,
                              long long rows, int hidden, float eps, cudaStream_t stream);
int forge_silu_mul_launch(int dtype, const void* gate_up, void* out, long long rows, int inter, cudaStream_t stream);
int forge_rope_cache_launch(int dtype, const void* projected, const void* bias, const void* cos, const void* sin, const void* q_norm,
                            const void* k_norm, float eps, void* q_out, void* k_cache, void* v_cache, const long long* slot,
                            long long rows, int heads, int kv_heads, int dim, long long cache_row_stride,
                            long long cache_head_stride, cudaStream_t stream);
long long forge_pick_workspace_bytes(long long rows, int vocab);
int forge_pick_launch(int dtype, const void* logits, const float* uniforms, float temperature, long long rows, int vocab,
                      long long* ids, float* output, void* workspace, cudaStream_t stream);
}
#endif

namespace {

thread_local std::string last_error;

// A stream of libtorch's pool and, while it is current, the stream it replaced.
struct SideStream {
  c10::cuda::CUDAStream stream;
  c10::cuda::CUDAStream previous;
  explicit SideStream(c10::cuda::CUDAStream s) : stream(s), previous(s) {}
};

template <typename F>
int guarded(F&& body) {
  try {
    body();
    return 0;
  } catch (const std::exception& e) {
    last_error = e.what();
  } catch (...) {
    last_error = "unknown C++ exception";
  }
  return -1;
}

#ifdef FORGE_KERNELS
cudaStream_t current_stream(int device) {
  return c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device)).stream();
}

int launched(int status);

// Runs a launcher inside `guarded` (libtorch may throw while finding the stream); 0, or -1 with last_error set.
template <typename F>
int launch(F&& launcher) {
  int status = -1;
  if (guarded([&] { status = launched(launcher()); }) != 0) return -1;
  return status;
}

int launched(int status) {
  if (status == 0) return 0;
  last_error = status == -2 ? std::string("unsupported dtype for a fused kernel")
                            : std::string("fused kernel launch: ") + cudaGetErrorString(static_cast<cudaError_t>(status));
  return -1;
}
#else
int not_built() {
  last_error = "the library was built without nvcc, so it has no fused kernels";
  return -1;
}
#endif

}  // namespace

extern "C" {

// Bumped whenever a signature below changes; the managed side refuses another value.
int forge_graphs_abi() { return 5; }

// 1 when the fused decoding kernels were compiled in (build.sh found nvcc), else 0.
int forge_kernels_available() {
#ifdef FORGE_KERNELS
  return 1;
#else
  return 0;
#endif
}

const char* forge_graphs_last_error() { return last_error.c_str(); }

int forge_stream_create(int device, void** out) {
  return guarded([&] {
    *out = new SideStream(c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device)));
  });
}

// Makes the side stream current; it first waits for what the current stream has queued.
int forge_stream_enter(void* handle) {
  return guarded([&] {
    auto* s = static_cast<SideStream*>(handle);
    s->previous = c10::cuda::getCurrentCUDAStream(s->stream.device_index());
    at::cuda::CUDAEvent before;
    before.record(s->previous);
    before.block(s->stream);
    c10::cuda::setCurrentCUDAStream(s->stream);
  });
}

// Makes the replaced stream current again; it waits for what the side stream has queued.
int forge_stream_exit(void* handle) {
  return guarded([&] {
    auto* s = static_cast<SideStream*>(handle);
    at::cuda::CUDAEvent after;
    after.record(s->stream);
    after.block(s->previous);
    c10::cuda::setCurrentCUDAStream(s->previous);
  });
}

void forge_stream_destroy(void* handle) { delete static_cast<SideStream*>(handle); }

int forge_graph_create(void** out) {
  return guarded([&] { *out = new at::cuda::CUDAGraph(); });
}

// Starts capturing the current (non-default) stream into a private memory pool. Thread-local mode: other threads'
// CUDA calls (a finaliser freeing a tensor) cannot invalidate the capture.
int forge_graph_begin(void* graph) {
  return guarded([&] {
    static_cast<at::cuda::CUDAGraph*>(graph)->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
  });
}

int forge_graph_end(void* graph) {
  return guarded([&] { static_cast<at::cuda::CUDAGraph*>(graph)->capture_end(); });
}

int forge_graph_replay(void* graph) {
  return guarded([&] { static_cast<at::cuda::CUDAGraph*>(graph)->replay(); });
}

// Waits for the device, then frees the graph and its memory pool.
int forge_graph_destroy(void* graph) {
  return guarded([&] {
    c10::cuda::device_synchronize();
    delete static_cast<at::cuda::CUDAGraph*>(graph);
  });
}

// libtorch's caching allocator on `device`, all pools together: out[0] bytes held by live tensors, out[1] their peak,
// out[2] bytes the allocator holds from the driver (reserved, used or cached), out[3] that peak; peaks since the last
// forge_memory_reset_peaks (or the process's start).
int forge_memory_stats(int device, long long* out) {
  return guarded([&] {
    const auto stats = c10::cuda::CUDACachingAllocator::get()->getDeviceStats(static_cast<c10::DeviceIndex>(device));
    const size_t all = 0;  // StatType::AGGREGATE
    out[0] = stats.allocated_bytes[all].current;
    out[1] = stats.allocated_bytes[all].peak;
    out[2] = stats.reserved_bytes[all].current;
    out[3] = stats.reserved_bytes[all].peak;
  });
}

// Starts the peaks of forge_memory_stats again from the current figures.
int forge_memory_reset_peaks(int device) {
  return guarded([&] { c10::cuda::CUDACachingAllocator::get()->resetPeakStats(static_cast<c10::DeviceIndex>(device)); });
}

// The fused decoding kernels (forge_decode_kernels.cu), launched on the current stream of `device`: captured into a
// graph when a capture is under way there. Pointers are device pointers of contiguous tensors of dtype 0 float32,
// 1 bfloat16 or 2 float16; the managed side (Graphs/CudaDecodeKernels.cs) checks shapes and layouts.
int forge_add_rms_norm(int device, int dtype, const void* x, const void* delta, const void* weight, void* sum, void* out,
                       long long rows, int hidden, float eps) {
#ifdef FORGE_KERNELS
  return launch([&] { return forge_add_rms_norm_launch(dtype, x, delta, weight, sum, out, rows, hidden, eps, current_stream(device)); });
#else
  return not_built();
#endif
}

int forge_silu_mul(int device, int dtype, const void* gate_up, void* out, long long rows, int inter) {
#ifdef FORGE_KERNELS
  return launch([&] { return forge_silu_mul_launch(dtype, gate_up, out, rows, inter, current_stream(device)); });
#else
  return not_built();
#endif
}

int forge_rope_cache(int device, int dtype, const void* projected, const void* bias, const void* cos, const void* sin, const void* q_norm,
                     const void* k_norm, float eps, void* q_out, void* k_cache, void* v_cache, const long long* slot,
                     long long rows, int heads, int kv_heads, int dim, long long cache_row_stride,
                     long long cache_head_stride) {
#ifdef FORGE_KERNELS
  return launch([&] { return forge_rope_cache_launch(dtype, projected, bias, cos, sin, q_norm, k_norm, eps, q_out, k_cache, v_cache, slot,
                                          rows, heads, kv_heads, dim, cache_row_stride, cache_head_stride,
                                          current_stream(device)); });
#else
  return not_built();
#endif
}

// Picks each row's next token (forge_decode_kernels.cu, pick_kernel): argmax when uniforms is null, else the
// exponential race at the temperature; writes ids [rows] int64 and output [rows, 3] float32.
int forge_pick(int device, int dtype, const void* logits, const float* uniforms, float temperature, long long rows, int vocab,
               long long* ids, float* output) {
#ifdef FORGE_KERNELS
  return launch([&] {
    // The chunks' partial results, from libtorch's allocator on the current stream: inside a capture that is the graph's
    // pool, so a replay finds the same memory.
    c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
    auto workspace = c10::cuda::CUDACachingAllocator::get()->allocate(forge_pick_workspace_bytes(rows, vocab));
    return forge_pick_launch(dtype, logits, uniforms, temperature, rows, vocab, ids, output, workspace.get(), current_stream(device));
  });
#else
  return not_built();
#endif
}

}  // extern "C"
