// Device helpers shared by the CUDA kernels: warp and block reductions, exp per dtype.
// Blocks are kThreads wide (a multiple of the 32-lane warp).
#pragma once

#include <cuda_runtime.h>

#include <limits>

namespace wildpose {
namespace ops {
namespace cuda {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

template <typename T>
__device__ __forceinline__ T device_exp(T x);

// __expf: the hardware exp2 (two ulp or so), exact 1 at 0 and 0 at -inf.
template <>
__device__ __forceinline__ float device_exp<float>(float x) { return __expf(x); }

template <>
__device__ __forceinline__ double device_exp<double>(double x) { return ::exp(x); }

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

template <typename T>
__device__ __forceinline__ T warp_max(T v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) {
    const T other = __shfl_xor_sync(0xffffffffu, v, offset);
    v = other > v ? other : v;
  }
  return v;
}

// The block's maximum, returned to every thread. `shared` holds kWarps values; every
// thread of the block must call this (it synchronises).
template <typename T>
__device__ T block_max(T v, T* shared) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_max(v);
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  T r = threadIdx.x < kWarps ? shared[threadIdx.x] : -std::numeric_limits<T>::infinity();
  if (warp == 0) r = warp_max(r);
  if (threadIdx.x == 0) shared[0] = r;
  __syncthreads();
  r = shared[0];
  __syncthreads();  // `shared` may be reused right after
  return r;
}

// The block's sums of N values (in place), returned to every thread; `shared` holds
// N * kWarps values. Every thread of the block must call this.
template <typename T, int N>
__device__ void block_sum(T (&v)[N], T* shared) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
  for (int i = 0; i < N; ++i) {
    v[i] = warp_sum(v[i]);
    if (lane == 0) shared[i * kWarps + warp] = v[i];
  }
  __syncthreads();
  if (warp == 0) {
#pragma unroll
    for (int i = 0; i < N; ++i) {
      T r = lane < kWarps ? shared[i * kWarps + lane] : T(0);
      r = warp_sum(r);
      if (lane == 0) shared[i * kWarps] = r;
    }
  }
  __syncthreads();
#pragma unroll
  for (int i = 0; i < N; ++i) v[i] = shared[i * kWarps];
  __syncthreads();
}

}  // namespace cuda
}  // namespace ops
}  // namespace wildpose
