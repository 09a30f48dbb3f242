// CUDA graphs for TorchSharp: the few libtorch calls TorchSharp does not expose, behind a C ABI for P/Invoke
// (src/Forge.Cuda/Graphs/GraphsNative.cs). Built on the GPU machine against the installed PyTorch by build.sh.
// Every function returns 0 on success and -1 on failure; forge_graphs_last_error() then says why (per thread).
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>

#include <exception>
#include <string>

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

}  // namespace

extern "C" {

// Bumped whenever a signature below changes; the managed side refuses another value.
int forge_graphs_abi() { return 1; }

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

}  // extern "C"
