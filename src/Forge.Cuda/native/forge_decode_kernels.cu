// Fused decoding kernels: each replaces a run of small libtorch kernels that TorchSharp would launch one by one
// (decoding a token is launch-bound). Plain CUDA, no ATen: forge_cuda_graphs.cpp launches them on libtorch's current
// stream through the forge_*_launch functions below. Every intermediate is rounded to the tensor's dtype where Forge's
// unfused forward (src/Forge.Core/Models) rounds it, so sampling and training see the same numbers: RMSNorm as
// Hugging Face writes it in float32, and in half precision as RmsNorm.cs computes it (x / max(‖x‖, √(ε·D)) · (w·√D)).
// dtype codes: 0 float32, 1 bfloat16, 2 float16.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <initializer_list>
#include <type_traits>

namespace {

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }

template <typename T> __device__ __forceinline__ T from_float(float v);
template <> __device__ __forceinline__ float from_float<float>(float v) { return v; }
template <> __device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }
template <> __device__ __forceinline__ __half from_float<__half>(float v) { return __float2half_rn(v); }

// v rounded to T and back: the value a T tensor holds.
template <typename T> __device__ __forceinline__ float round_to(float v) { return to_float(from_float<T>(v)); }

// weight ⊙ rms_norm(v) for one element, given the row's sum of squares, rounded as RmsNorm.cs rounds.
template <typename T>
__device__ __forceinline__ T normalise(float v, float weight, float squares, int size, float eps) {
  if constexpr (std::is_same<T, float>::value) {
    return weight * (v * rsqrtf(squares / size + eps));  // x · rsqrt(mean(x²) + ε) · w
  } else {
    // normalize(x, 2, −1, √(ε·D)) · (w · √D): the norm, its floor, the quotient and the scaled weight are each a
    // half-precision tensor there, so each is rounded here.
    const float norm = fmaxf(round_to<T>(sqrtf(squares)), (float)sqrt((double)eps * size));
    const float quotient = round_to<T>(v / round_to<T>(norm));
    return from_float<T>(quotient * round_to<T>(weight * (float)sqrt((double)size)));
  }
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// sum = x + delta (when delta is given); out = weight ⊙ rms_norm(sum). One block per row.
template <typename T>
__global__ void add_rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ delta, const T* __restrict__ weight,
                                    T* __restrict__ sum, T* __restrict__ out, int hidden, float eps) {
  const long long row = blockIdx.x;
  const T* xr = x + row * hidden;
  const T* source = xr;
  float squares = 0.f;
  if (delta != nullptr) {
    const T* dr = delta + row * hidden;
    T* sr = sum + row * hidden;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
      T v = from_float<T>(to_float(xr[i]) + to_float(dr[i]));
      sr[i] = v;
      float f = to_float(v);
      squares += f * f;
    }
    source = sr;
  } else {
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
      float f = to_float(xr[i]);
      squares += f * f;
    }
  }
  __shared__ float partial[32];
  __shared__ float total_squares;
  squares = warp_sum(squares);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) partial[warp] = squares;
  __syncthreads();
  if (warp == 0) {
    float total = lane < (blockDim.x + 31) / 32 ? partial[lane] : 0.f;
    total = warp_sum(total);
    if (lane == 0) total_squares = total;
  }
  __syncthreads();
  const float squares_all = total_squares;
  T* orow = out + row * hidden;
  for (int i = threadIdx.x; i < hidden; i += blockDim.x)
    orow[i] = normalise<T>(to_float(source[i]), to_float(weight[i]), squares_all, hidden, eps);
}

// Vectorised forms of the two kernels above and below, for rows whose width is a multiple of a 16-byte vector and
// whose tensors start on one (what libtorch's allocations give): every access is one 16-byte load or store, a row's
// values stay in registers between the reduction and the write, and no index is divided. Same arithmetic, same rounding.
template <typename T> struct alignas(16) Vector { static constexpr int kCount = 16 / sizeof(T); T v[kCount]; };

template <typename T>
__device__ __forceinline__ Vector<T> load_vector(const T* p) {
  Vector<T> out;
  *reinterpret_cast<uint4*>(out.v) = *reinterpret_cast<const uint4*>(p);
  return out;
}

template <typename T>
__device__ __forceinline__ void store_vector(T* p, const Vector<T>& value) {
  *reinterpret_cast<uint4*>(p) = *reinterpret_cast<const uint4*>(value.v);
}

// One block per row, one vector per thread (hidden ≤ 1024 vectors).
template <typename T>
__global__ void add_rms_norm_vector_kernel(const T* __restrict__ x, const T* __restrict__ delta, const T* __restrict__ weight,
                                           T* __restrict__ sum, T* __restrict__ out, int hidden, float eps) {
  constexpr int N = Vector<T>::kCount;
  const long long row = blockIdx.x;
  const int column = threadIdx.x * N;
  const bool active = column < hidden;
  Vector<T> values, w;
  float squares = 0.f;
  if (active) {
    values = load_vector(x + row * hidden + column);
    w = load_vector(weight + column);
    if (delta != nullptr) {
      const Vector<T> d = load_vector(delta + row * hidden + column);
#pragma unroll
      for (int k = 0; k < N; k++) values.v[k] = from_float<T>(to_float(values.v[k]) + to_float(d.v[k]));
      store_vector(sum + row * hidden + column, values);
    }
#pragma unroll
    for (int k = 0; k < N; k++) {
      const float f = to_float(values.v[k]);
      squares += f * f;
    }
  }
  __shared__ float partial[32];
  squares = warp_sum(squares);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) partial[warp] = squares;
  __syncthreads();
  float total = lane < (blockDim.x + 31) / 32 ? partial[lane] : 0.f;
  total = warp_sum(total);
  if (!active) return;
  Vector<T> result;
#pragma unroll
  for (int k = 0; k < N; k++) result.v[k] = normalise<T>(to_float(values.v[k]), to_float(w.v[k]), total, hidden, eps);
  store_vector(out + row * hidden + column, result);
}

// Blocks of 128 threads along a row (y: the row), one vector of outputs per thread.
template <typename T>
__global__ void silu_mul_vector_kernel(const T* __restrict__ gate_up, T* __restrict__ out, int inter) {
  constexpr int N = Vector<T>::kCount;
  const long long row = blockIdx.y;
  const int column = (blockIdx.x * blockDim.x + threadIdx.x) * N;
  if (column >= inter) return;
  const Vector<T> gate = load_vector(gate_up + row * 2 * inter + column);
  const Vector<T> up = load_vector(gate_up + row * 2 * inter + inter + column);
  Vector<T> result;
#pragma unroll
  for (int k = 0; k < N; k++) {
    const float g = to_float(gate.v[k]);
    const float activated = round_to<T>(g / (1.f + expf(-g)));
    result.v[k] = from_float<T>(activated * to_float(up.v[k]));
  }
  store_vector(out + row * inter + column, result);
}

// out = silu(gate) * up over [rows, 2 * inter] halves (gate first, as the fused gate-up projection lays them out).
template <typename T>
__global__ void silu_mul_kernel(const T* __restrict__ gate_up, T* __restrict__ out, long long rows, int inter) {
  const long long total = rows * inter;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    const long long row = i / inter;
    const int column = (int)(i % inter);
    const float g = to_float(gate_up[row * 2 * inter + column]);
    const float u = to_float(gate_up[row * 2 * inter + inter + column]);
    const float activated = round_to<T>(g / (1.f + expf(-g)));
    out[i] = from_float<T>(activated * u);
  }
}

// One new token's projected heads [rows, heads + 2 kv, dim], plus the projection's bias when it is given (the add the
// unfused path runs as its own kernel, rounded the same way): queries and keys (each RMS-normalised per head first when
// their weights are given, as Qwen3 does) rotated by the position's cos/sin ([rows, dim]: cos twice, sin as −sin, sin);
// queries to q_out [rows, heads, dim], keys and values into the caches at the slot. One warp per (row, head).
template <typename T>
__global__ void rope_cache_kernel(const T* __restrict__ projected, const T* __restrict__ bias, const T* __restrict__ cos, const T* __restrict__ sin,
                                  const T* __restrict__ q_norm, const T* __restrict__ k_norm, float eps,
                                  T* __restrict__ q_out, T* __restrict__ k_cache, T* __restrict__ v_cache,
                                  const long long* __restrict__ slot, long long rows, int heads, int kv_heads, int dim,
                                  long long cache_row_stride, long long cache_head_stride) {
  const int all_heads = heads + 2 * kv_heads;
  const long long item = (blockIdx.x * (long long)blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (item >= rows * all_heads) return;
  const long long row = item / all_heads;
  const int head = (int)(item % all_heads);
  const int half = dim / 2;
  const T* in = projected + item * dim;
  const T* head_bias = bias == nullptr ? nullptr : bias + (long long)head * dim;
  const long long position = *slot;
  // Element i of this head as the projection's output tensor holds it.
  auto load = [&](int i) { return head_bias == nullptr ? to_float(in[i]) : round_to<T>(to_float(in[i]) + to_float(head_bias[i])); };

  if (head >= heads + kv_heads) {  // a value head: copied into the cache as it is
    T* target = v_cache + row * cache_row_stride + (long long)(head - heads - kv_heads) * cache_head_stride + position * dim;
    for (int i = lane; i < dim; i += 32) target[i] = from_float<T>(load(i));
    return;
  }
  const T* norm = head < heads ? q_norm : k_norm;
  float squares = 0.f;
  if (norm != nullptr) {
    for (int i = lane; i < dim; i += 32) {
      float f = load(i);
      squares += f * f;
    }
    squares = warp_sum(squares);
  }
  const T* c = cos + row * dim;
  const T* s = sin + row * dim;
  T* target = head < heads ? q_out + (row * heads + head) * (long long)dim
                           : k_cache + row * cache_row_stride + (long long)(head - heads) * cache_head_stride + position * dim;
  for (int p = lane; p < half; p += 32) {
    float a = load(p), b = load(p + half);
    if (norm != nullptr) {
      a = to_float(normalise<T>(a, to_float(norm[p]), squares, dim, eps));
      b = to_float(normalise<T>(b, to_float(norm[p + half]), squares, dim, eps));
    }
    // x·cos + roll(x, dim/2)·sin, each product rounded as its own tensor would be.
    target[p] = from_float<T>(round_to<T>(a * to_float(c[p])) + round_to<T>(b * to_float(s[p])));
    target[p + half] = from_float<T>(round_to<T>(b * to_float(c[p + half])) + round_to<T>(a * to_float(s[p + half])));
  }
}

// The larger of two (score, index) pairs; ties go to the lower index, so a pick does not depend on thread order.
__device__ __forceinline__ void keep_best(float& score, int& index, float other_score, int other_index) {
  if (other_score > score || (other_score == score && other_index < index) || (score != score && other_score == other_score)) {
    score = other_score;
    index = other_index;
  }
}

__device__ __forceinline__ void warp_best(float& score, int& index) {
  for (int offset = 16; offset > 0; offset >>= 1) {
    float s = __shfl_xor_sync(0xffffffffu, score, offset);
    int i = __shfl_xor_sync(0xffffffffu, index, offset);
    keep_best(score, index, s, i);
  }
}

// The pick runs in two kernels: each block of pick_partial_kernel reads one chunk of one row's logits (and uniforms)
// once and leaves what the row's pick needs from it — the chunk's largest x and its index (the greedy pick), the sum of
// exp(x − that largest), the chunk's best race score and its index, whether every x was finite — and pick_merge_kernel
// combines a row's chunks. A row spread over many blocks keeps the whole GPU reading: one block per row left a step's
// pick at ~0.2 ms whatever the batch. x = logit / temperature; the race is the argmax of x − log E, E = −log(1 − u).
constexpr int kPickThreads = 256;
constexpr int kPickPerThread = 16;
constexpr int kPickChunk = kPickThreads * kPickPerThread;

struct PickPartial {
  float max, sum, race;
  int max_index, race_index, finite;
};

// Block-wide best (score, index) pair; every thread gets the result. scratch holds a pair per warp.
__device__ __forceinline__ void block_best(float& score, int& index, float* scratch_score, int* scratch_index) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, warps = blockDim.x / 32;
  warp_best(score, index);
  __syncthreads();
  if (lane == 0) { scratch_score[warp] = score; scratch_index[warp] = index; }
  __syncthreads();
  score = lane < warps ? scratch_score[lane] : -INFINITY;
  index = lane < warps ? scratch_index[lane] : 0x7fffffff;
  warp_best(score, index);
}

template <typename T>
__global__ void __launch_bounds__(kPickThreads) pick_partial_kernel(const T* __restrict__ logits, const float* __restrict__ uniforms,
                                                                    float temperature, int vocab, PickPartial* __restrict__ partials) {
  const long long row = blockIdx.y;
  const int chunk = blockIdx.x;
  const int begin = chunk * kPickChunk;
  const T* x = logits + row * vocab;
  const float* u = uniforms == nullptr ? nullptr : uniforms + row * (long long)vocab;
  __shared__ float scratch_score[32];
  __shared__ int scratch_index[32];
  __shared__ int scratch_finite;
  if (threadIdx.x == 0) scratch_finite = 1;
  __syncthreads();

  float v[kPickPerThread];
  float best = -INFINITY, race = -INFINITY;
  int best_index = 0x7fffffff, race_index = 0x7fffffff;
  bool finite = true;
#pragma unroll
  for (int k = 0; k < kPickPerThread; k++) {
    const int i = begin + k * kPickThreads + threadIdx.x;
    v[k] = i < vocab ? to_float(x[i]) / temperature : -INFINITY;
    if (i < vocab) {
      finite = finite && isfinite(v[k]);
      keep_best(best, best_index, v[k], i);
    }
  }
  if (u != nullptr) {
#pragma unroll
    for (int k = 0; k < kPickPerThread; k++) {
      const int i = begin + k * kPickThreads + threadIdx.x;
      if (i < vocab) {
        // Floored at 2^-24, as DecodeBatch.RaceTimes: a uniform of exactly 0 must not pick an improbable token.
        const float e = fmaxf(-logf(1.f - u[i]), 5.9604644775390625e-08f);
        keep_best(race, race_index, v[k] - logf(e), i);
      }
    }
  }
  if (!finite) scratch_finite = 0;
  block_best(best, best_index, scratch_score, scratch_index);
  if (u != nullptr) block_best(race, race_index, scratch_score, scratch_index);
  // exp(x − the chunk's largest); a chunk whose largest is −∞ (or NaN) adds nothing here and is refused by its finite flag.
  float sum = 0.f;
  if (isfinite(best)) {
#pragma unroll
    for (int k = 0; k < kPickPerThread; k++) sum += expf(v[k] - best);
  }
  sum = warp_sum(sum);
  __syncthreads();
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) scratch_score[warp] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.f;
    for (int w = 0; w < kPickThreads / 32; w++) total += scratch_score[w];
    PickPartial& out = partials[row * gridDim.x + chunk];
    out.max = best;
    out.max_index = best_index;
    out.sum = total;
    out.race = race;
    out.race_index = race_index;
    out.finite = scratch_finite;
  }
}

// One warp per row: the row's largest x and normaliser from its chunks, the pick (the race's, or the greedy one), the
// log-prob of the pick under softmax(x), and whether every logit was finite.
template <typename T>
__global__ void pick_merge_kernel(const T* __restrict__ logits, const PickPartial* __restrict__ partials, int chunks,
                                  bool sampled, float temperature, long long rows, int vocab, long long* __restrict__ ids,
                                  float* __restrict__ output) {
  const long long row = blockIdx.x * (long long)(blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const PickPartial* p = partials + row * chunks;
  float best = -INFINITY, race = -INFINITY;
  int best_index = 0x7fffffff, race_index = 0x7fffffff;
  bool finite = true;
  for (int c = lane; c < chunks; c += 32) {
    keep_best(best, best_index, p[c].max, p[c].max_index);
    keep_best(race, race_index, p[c].race, p[c].race_index);
    finite = finite && p[c].finite != 0;
  }
  warp_best(best, best_index);
  warp_best(race, race_index);
  finite = __all_sync(0xffffffffu, finite);
  float sum = 0.f;
  if (isfinite(best))
    for (int c = lane; c < chunks; c += 32)
      if (isfinite(p[c].max)) sum += p[c].sum * expf(p[c].max - best);
  sum = warp_sum(sum);
  if (lane == 0) {
    int pick = sampled ? race_index : best_index;
    if (pick < 0 || pick >= vocab) pick = 0;  // a row of NaNs: any index in range (the caller refuses the row)
    const float v = to_float(logits[row * vocab + pick]) / temperature;
    ids[row] = pick;
    output[row * 3] = (float)pick;
    output[row * 3 + 1] = v - best - logf(sum);
    output[row * 3 + 2] = finite ? 1.f : 0.f;
  }
}

// Whether every pointer starts on a 16-byte boundary and width is a whole number of 16-byte vectors of T.
template <typename T>
bool vectorisable(int width, std::initializer_list<const void*> pointers) {
  if (width % Vector<T>::kCount != 0) return false;
  for (const void* p : pointers)
    if (p != nullptr && reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
  return true;
}

template <typename T>
int add_rms_norm(const void* x, const void* delta, const void* weight, void* sum, void* out, long long rows, int hidden,
                 float eps, cudaStream_t stream) {
  const int vectors = hidden / Vector<T>::kCount;
  if (vectorisable<T>(hidden, {x, delta, weight, sum, out}) && vectors <= 1024) {
    add_rms_norm_vector_kernel<T><<<(unsigned)rows, ((vectors + 31) / 32) * 32, 0, stream>>>(
        static_cast<const T*>(x), static_cast<const T*>(delta), static_cast<const T*>(weight), static_cast<T*>(sum),
        static_cast<T*>(out), hidden, eps);
    return (int)cudaGetLastError();
  }
  int threads = hidden >= 1024 ? 1024 : ((hidden + 31) / 32) * 32;
  if (threads > 256 && hidden < 4096) threads = 256;
  add_rms_norm_kernel<T><<<(unsigned)rows, threads, 0, stream>>>(
      static_cast<const T*>(x), static_cast<const T*>(delta), static_cast<const T*>(weight), static_cast<T*>(sum),
      static_cast<T*>(out), hidden, eps);
  return (int)cudaGetLastError();
}

template <typename T>
int silu_mul(const void* gate_up, void* out, long long rows, int inter, cudaStream_t stream) {
  if (vectorisable<T>(inter, {gate_up, out}) && rows <= 65535) {
    const int vectors = inter / Vector<T>::kCount;
    silu_mul_vector_kernel<T><<<dim3((unsigned)((vectors + 127) / 128), (unsigned)rows), 128, 0, stream>>>(
        static_cast<const T*>(gate_up), static_cast<T*>(out), inter);
    return (int)cudaGetLastError();
  }
  const long long total = rows * inter;
  long long blocks = (total + 255) / 256;
  if (blocks > 65535LL * 8) blocks = 65535LL * 8;
  silu_mul_kernel<T><<<(unsigned)blocks, 256, 0, stream>>>(static_cast<const T*>(gate_up), static_cast<T*>(out), rows, inter);
  return (int)cudaGetLastError();
}

template <typename T>
int rope_cache(const void* projected, const void* bias, const void* cos, const void* sin, const void* q_norm, const void* k_norm, float eps,
               void* q_out, void* k_cache, void* v_cache, const long long* slot, long long rows, int heads, int kv_heads,
               int dim, long long cache_row_stride, long long cache_head_stride, cudaStream_t stream) {
  const long long warps = rows * (heads + 2 * kv_heads);
  const long long blocks = (warps * 32 + 127) / 128;
  rope_cache_kernel<T><<<(unsigned)blocks, 128, 0, stream>>>(
      static_cast<const T*>(projected), static_cast<const T*>(bias), static_cast<const T*>(cos), static_cast<const T*>(sin),
      static_cast<const T*>(q_norm), static_cast<const T*>(k_norm), eps, static_cast<T*>(q_out), static_cast<T*>(k_cache),
      static_cast<T*>(v_cache), slot, rows, heads, kv_heads, dim, cache_row_stride, cache_head_stride);
  return (int)cudaGetLastError();
}

template <typename T>
int pick(const void* logits, const float* uniforms, float temperature, long long rows, int vocab, long long* ids, float* output,
         void* workspace, cudaStream_t stream) {
  const int chunks = (vocab + kPickChunk - 1) / kPickChunk;
  if (rows > 65535) return (int)cudaErrorInvalidConfiguration;
  auto* partials = static_cast<PickPartial*>(workspace);
  pick_partial_kernel<T><<<dim3((unsigned)chunks, (unsigned)rows), kPickThreads, 0, stream>>>(static_cast<const T*>(logits), uniforms,
                                                                                           temperature, vocab, partials);
  const int rows_per_block = 8;
  pick_merge_kernel<T><<<(unsigned)((rows + rows_per_block - 1) / rows_per_block), rows_per_block * 32, 0, stream>>>(
      static_cast<const T*>(logits), partials, chunks, uniforms != nullptr, temperature, rows, vocab, ids, output);
  return (int)cudaGetLastError();
}

constexpr int kUnsupportedDtype = -2;

}  // namespace

extern "C" {

int forge_add_rms_norm_launch(int dtype, const void* x, const void* delta, const void* weight, void* sum, void* out,
                              long long rows, int hidden, float eps, cudaStream_t stream) {
  if (rows == 0) return 0;
  switch (dtype) {
    case 0: return add_rms_norm<float>(x, delta, weight, sum, out, rows, hidden, eps, stream);
    case 1: return add_rms_norm<__nv_bfloat16>(x, delta, weight, sum, out, rows, hidden, eps, stream);
    case 2: return add_rms_norm<__half>(x, delta, weight, sum, out, rows, hidden, eps, stream);
    default: return kUnsupportedDtype;
  }
}

int forge_silu_mul_launch(int dtype, const void* gate_up, void* out, long long rows, int inter, cudaStream_t stream) {
  if (rows == 0) return 0;
  switch (dtype) {
    case 0: return silu_mul<float>(gate_up, out, rows, inter, stream);
    case 1: return silu_mul<__nv_bfloat16>(gate_up, out, rows, inter, stream);
    case 2: return silu_mul<__half>(gate_up, out, rows, inter, stream);
    default: return kUnsupportedDtype;
  }
}

int forge_rope_cache_launch(int dtype, const void* projected, const void* bias, const void* cos, const void* sin, const void* q_norm,
                            const void* k_norm, float eps, void* q_out, void* k_cache, void* v_cache, const long long* slot,
                            long long rows, int heads, int kv_heads, int dim, long long cache_row_stride,
                            long long cache_head_stride, cudaStream_t stream) {
  if (rows == 0) return 0;
  switch (dtype) {
    case 0: return rope_cache<float>(projected, bias, cos, sin, q_norm, k_norm, eps, q_out, k_cache, v_cache, slot, rows, heads,
                                     kv_heads, dim, cache_row_stride, cache_head_stride, stream);
    case 1: return rope_cache<__nv_bfloat16>(projected, bias, cos, sin, q_norm, k_norm, eps, q_out, k_cache, v_cache, slot, rows,
                                             heads, kv_heads, dim, cache_row_stride, cache_head_stride, stream);
    case 2: return rope_cache<__half>(projected, bias, cos, sin, q_norm, k_norm, eps, q_out, k_cache, v_cache, slot, rows, heads,
                                      kv_heads, dim, cache_row_stride, cache_head_stride, stream);
    default: return kUnsupportedDtype;
  }
}

// Bytes of device memory forge_pick_launch needs as its workspace for rows × vocab logits.
long long forge_pick_workspace_bytes(long long rows, int vocab) {
  return rows * (long long)((vocab + kPickChunk - 1) / kPickChunk) * (long long)sizeof(PickPartial);
}

int forge_pick_launch(int dtype, const void* logits, const float* uniforms, float temperature, long long rows, int vocab,
                      long long* ids, float* output, void* workspace, cudaStream_t stream) {
  if (rows == 0) return 0;
  switch (dtype) {
    case 0: return pick<float>(logits, uniforms, temperature, rows, vocab, ids, output, workspace, stream);
    case 1: return pick<__nv_bfloat16>(logits, uniforms, temperature, rows, vocab, ids, output, workspace, stream);
    case 2: return pick<__half>(logits, uniforms, temperature, rows, vocab, ids, output, workspace, stream);
    default: return kUnsupportedDtype;
  }
}

}  // extern "C"
