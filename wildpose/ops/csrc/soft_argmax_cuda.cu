// CUDA kernels of the soft-argmax (integral heatmap decoding), forward and backward.
//
// One block of kThreads threads per (b, j) slice of H x W cells: the forward pass reduces
// the slice's maximum, then the sums of e_k, e_k col_k and e_k row_k (block reductions in
// shared memory); the backward pass recomputes e_k and writes the gradient of each cell.
// The formulas are those of soft_argmax_cpu.cpp.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include <limits>

#include "common.h"
#include "cuda_utils.h"
#include "soft_argmax_args.h"

namespace wildpose {
namespace ops {
namespace {

using cuda::kThreads;
using cuda::kWarps;

template <typename scalar_t>
__global__ void __launch_bounds__(kThreads)
    soft_argmax_forward_kernel(const scalar_t* __restrict__ x, int h, int w, scalar_t beta,
                               scalar_t* __restrict__ coords, scalar_t* __restrict__ maxv,
                               scalar_t* __restrict__ inv) {
  __shared__ scalar_t shared[3 * kWarps];
  const int64_t slice = blockIdx.x;
  const int n = h * w;
  const scalar_t* xs = x + slice * n;

  // r: the value where beta * h is largest, so that every exponent beta (h - r) <= 0
  const scalar_t sign = beta < scalar_t(0) ? scalar_t(-1) : scalar_t(1);
  scalar_t m = -std::numeric_limits<scalar_t>::infinity();
  for (int k = threadIdx.x; k < n; k += kThreads) {
    const scalar_t t = sign * xs[k];
    m = t > m ? t : m;
  }
  const scalar_t top = sign * cuda::block_max(m, shared);
  const scalar_t ref = beta == scalar_t(0) ? scalar_t(0) : top;  // as soft_argmax_cpu.cpp
  if (!isfinite(ref * beta)) {  // undefined softmax, or beta * h overflows: NaN
    if (threadIdx.x == 0) {
      const scalar_t nan = std::numeric_limits<scalar_t>::quiet_NaN();
      coords[2 * slice] = coords[2 * slice + 1] = inv[slice] = nan;
      maxv[slice] = ref;
    }
    return;  // ref is the same in the whole block: every thread returns here
  }
  scalar_t sums[3] = {0, 0, 0};  // e, e * col, e * row
  for (int k = threadIdx.x; k < n; k += kThreads) {
    const int r = k / w;
    const int c = k - r * w;
    const scalar_t e = cuda::device_exp(beta * (xs[k] - ref));
    sums[0] += e;
    sums[1] += e * static_cast<scalar_t>(c);
    sums[2] += e * static_cast<scalar_t>(r);
  }
  cuda::block_sum(sums, shared);
  if (threadIdx.x == 0) {
    coords[2 * slice] = sums[1] / sums[0];
    coords[2 * slice + 1] = sums[2] / sums[0];
    maxv[slice] = ref;
    inv[slice] = scalar_t(1) / sums[0];
  }
}

template <typename scalar_t>
__global__ void __launch_bounds__(kThreads)
    soft_argmax_backward_kernel(const scalar_t* __restrict__ x, int h, int w, scalar_t beta,
                                const scalar_t* __restrict__ gcoords,
                                const scalar_t* __restrict__ gconf,
                                const scalar_t* __restrict__ coords,
                                const scalar_t* __restrict__ maxv,
                                const scalar_t* __restrict__ inv, scalar_t* __restrict__ grad) {
  __shared__ scalar_t shared[kWarps];
  const int64_t slice = blockIdx.x;
  const int n = h * w;
  const scalar_t* xs = x + slice * n;
  scalar_t* gs = grad + slice * n;
  const scalar_t gx = gcoords[2 * slice], gy = gcoords[2 * slice + 1];
  const scalar_t gc = gconf != nullptr ? gconf[slice] : scalar_t(0);
  const scalar_t cx = coords[2 * slice], cy = coords[2 * slice + 1];
  const scalar_t ref = maxv[slice], iv = inv[slice];
  const scalar_t scale = beta * iv;

  // the confidence p_max = max_k p_k shares its gradient between the T tied maxima
  scalar_t share = 0;
  if (gc != scalar_t(0)) {  // the same for the whole block: the reduction is safe
    scalar_t ties[1] = {0};
    for (int k = threadIdx.x; k < n; k += kThreads) {
      ties[0] += (beta * (xs[k] - ref) == scalar_t(0)) ? 1 : 0;
    }
    cuda::block_sum(ties, shared);
    if (ties[0] > 0) share = beta * gc * iv / ties[0];
  }
  for (int k = threadIdx.x; k < n; k += kThreads) {
    const int r = k / w;
    const int c = k - r * w;
    const scalar_t t = beta * (xs[k] - ref);
    const scalar_t e = cuda::device_exp(t);
    scalar_t g = scale * e *
                 (gx * (static_cast<scalar_t>(c) - cx) + gy * (static_cast<scalar_t>(r) - cy) -
                  gc * iv);
    if (share != scalar_t(0) && t == scalar_t(0)) g += share;
    gs[k] = g;
  }
}

// The shared checks of soft_argmax_args.h, and one slice per block: B * J blocks.
void check_heatmaps_cuda(const at::Tensor& heatmaps) {
  check_heatmaps(heatmaps);
  TORCH_CHECK(heatmaps.size(0) * heatmaps.size(1) < (int64_t(1) << 31),
              "soft_argmax: B * J must be below 2^31 on CUDA");
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> soft_argmax_forward_cuda(
    const at::Tensor& heatmaps, double beta) {
  check_heatmaps_cuda(heatmaps);
  const c10::cuda::CUDAGuard guard(heatmaps.device());
  const SoftArgmaxForwardArgs a = prepare_soft_argmax_forward(heatmaps);
  if (a.b * a.j == 0) return {a.coords, a.maxv, a.inv};
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES(a.x.scalar_type(), "soft_argmax_forward_cuda", [&] {
    soft_argmax_forward_kernel<scalar_t><<<static_cast<unsigned int>(a.b * a.j), kThreads, 0,
                                           stream>>>(
        a.x.data_ptr<scalar_t>(), a.h, a.w, static_cast<scalar_t>(beta),
        a.coords.data_ptr<scalar_t>(), a.maxv.data_ptr<scalar_t>(), a.inv.data_ptr<scalar_t>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return {a.coords, a.maxv, a.inv};
}

at::Tensor soft_argmax_backward_cuda(const at::Tensor& grad_coords,
                                     const c10::optional<at::Tensor>& grad_conf,
                                     const at::Tensor& heatmaps, const at::Tensor& coords,
                                     const at::Tensor& maxv, const at::Tensor& inv,
                                     double beta) {
  check_heatmaps_cuda(heatmaps);
  check_soft_argmax_backward_devices(grad_coords, grad_conf, heatmaps, coords, maxv, inv);
  TORCH_CHECK(heatmaps.is_cuda(), "soft_argmax_backward: heatmaps must be on a CUDA device");
  const c10::cuda::CUDAGuard guard(heatmaps.device());
  const SoftArgmaxBackwardArgs a =
      prepare_soft_argmax_backward(grad_coords, grad_conf, heatmaps, coords, maxv, inv);
  at::Tensor grad = at::empty_like(a.x);
  if (a.b * a.j == 0) return grad;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES(a.x.scalar_type(), "soft_argmax_backward_cuda", [&] {
    soft_argmax_backward_kernel<scalar_t><<<static_cast<unsigned int>(a.b * a.j), kThreads, 0,
                                            stream>>>(
        a.x.data_ptr<scalar_t>(), a.h, a.w, static_cast<scalar_t>(beta),
        a.gcoords.data_ptr<scalar_t>(),
        a.gconf.defined() ? a.gconf.data_ptr<scalar_t>() : nullptr,
        a.coords.data_ptr<scalar_t>(), a.maxv.data_ptr<scalar_t>(), a.inv.data_ptr<scalar_t>(),
        grad.data_ptr<scalar_t>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return grad;
}

}  // namespace
}  // namespace ops
}  // namespace wildpose

TORCH_LIBRARY_IMPL(wildpose, CUDA, m) {
  m.impl("soft_argmax_forward", &wildpose::ops::soft_argmax_forward_cuda);
  m.impl("soft_argmax_backward", &wildpose::ops::soft_argmax_backward_cuda);
}
