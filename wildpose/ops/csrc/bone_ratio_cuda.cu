// CUDA kernels of the bone-ratio (geometric constraint) loss, with the per-sample
// routines of bone_ratio_kernel.h.
//
// Forward: one block walks the batch (one sample per thread and step), the per-sample
// losses are summed in double in a fixed order (a block reduction), and thread 0 writes
// the batch loss: one launch, no atomics, the same result on every run. A batch of a
// few hundred samples is one step of one block, so nothing is gained from more blocks.
// Backward: one thread per sample writes that sample's gradient rows (zeros for samples
// with 3D labels, unless NaN passes, as in the reference); the incoming gradient is read on the device (no host synchronisation).
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "bone_ratio_kernel.h"
#include "cuda_utils.h"

namespace wildpose {
namespace ops {
namespace {

using cuda::kThreads;
using cuda::kWarps;

template <typename scalar_t>
__global__ void __launch_bounds__(kThreads)
    bone_ratio_forward_kernel(const scalar_t* __restrict__ xy, const scalar_t* __restrict__ z,
                              const scalar_t* __restrict__ visible,
                              const bool* __restrict__ has_3d, BoneList bones, int64_t batch,
                              int64_t joints, scalar_t* __restrict__ out) {
  __shared__ double shared[kWarps];
  double partial[1] = {0.0};
  for (int64_t b = threadIdx.x; b < batch; b += kThreads) {
    // a 3D sample adds 0, or NaN (0 * NaN), as in the reference
    partial[0] += sample_loss(sample_rows(xy, z, visible, joints, b), bones) *
                  (has_3d[b] ? 0.0 : 1.0);
  }
  cuda::block_sum(partial, shared);
  if (threadIdx.x == 0) out[0] = batch_loss<scalar_t>(partial[0], batch);
}

template <typename scalar_t>
__global__ void __launch_bounds__(kThreads)
    bone_ratio_backward_kernel(const scalar_t* __restrict__ grad_loss,
                               const scalar_t* __restrict__ xy, const scalar_t* __restrict__ z,
                               const scalar_t* __restrict__ visible,
                               const bool* __restrict__ has_3d, BoneList bones, int64_t batch,
                               int64_t joints, scalar_t* __restrict__ grad_xy,
                               scalar_t* __restrict__ grad_z) {
  const int64_t b = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (b >= batch) return;
  scalar_t* gxy = grad_xy + 2 * joints * b;
  scalar_t* gz = grad_z + joints * b;
  for (int64_t k = 0; k < joints; ++k) {
    gxy[2 * k] = gxy[2 * k + 1] = gz[k] = scalar_t(0);
  }
  const double scale = static_cast<double>(grad_loss[0]) / static_cast<double>(batch) *
                       (has_3d[b] ? 0.0 : 1.0);
  sample_loss_backward(sample_rows(xy, z, visible, joints, b), bones, scale, gxy, gz);
}

at::Tensor bone_ratio_loss_forward_cuda(const at::Tensor& xy, const at::Tensor& z,
                                        const at::Tensor& visible, const at::Tensor& has_3d,
                                        const at::Tensor& parents, const at::Tensor& children,
                                        const at::Tensor& weights, const at::Tensor& group_ids) {
  const BoneInputs in =  // checks first: the guard needs a CUDA device
      prepare_bone_inputs(xy, z, visible, has_3d, parents, children, weights, group_ids);
  const c10::cuda::CUDAGuard guard(in.z.device());
  const int64_t batch = in.z.size(0), joints = in.z.size(1);
  at::Tensor out = at::empty({}, in.z.options());
  const BoneList bones = bone_list(in);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES(in.z.scalar_type(), "bone_ratio_loss_forward_cuda", [&] {
    bone_ratio_forward_kernel<scalar_t><<<1, kThreads, 0, stream>>>(
        in.xy.data_ptr<scalar_t>(), in.z.data_ptr<scalar_t>(), in.visible.data_ptr<scalar_t>(),
        in.has_3d.data_ptr<bool>(), bones, batch, joints, out.data_ptr<scalar_t>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return out;
}

std::tuple<at::Tensor, at::Tensor> bone_ratio_loss_backward_cuda(
    const at::Tensor& grad_loss, const at::Tensor& xy, const at::Tensor& z,
    const at::Tensor& visible, const at::Tensor& has_3d, const at::Tensor& parents,
    const at::Tensor& children, const at::Tensor& weights, const at::Tensor& group_ids) {
  const BoneInputs in =  // checks first: the guard needs a CUDA device
      prepare_bone_backward_inputs(grad_loss, xy, z, visible, has_3d, parents, children,
                                   weights, group_ids);
  const c10::cuda::CUDAGuard guard(in.z.device());
  const int64_t batch = in.z.size(0), joints = in.z.size(1);
  at::Tensor grad_xy = at::empty(in.xy.sizes(), in.xy.options());
  at::Tensor grad_z = at::empty(in.z.sizes(), in.z.options());
  if (batch == 0) return {grad_xy, grad_z};
  const at::Tensor g = grad_loss.to(in.z.scalar_type()).contiguous();
  const BoneList bones = bone_list(in);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  const unsigned int blocks = static_cast<unsigned int>((batch + kThreads - 1) / kThreads);
  AT_DISPATCH_FLOATING_TYPES(in.z.scalar_type(), "bone_ratio_loss_backward_cuda", [&] {
    bone_ratio_backward_kernel<scalar_t><<<blocks, kThreads, 0, stream>>>(
        g.data_ptr<scalar_t>(), in.xy.data_ptr<scalar_t>(), in.z.data_ptr<scalar_t>(),
        in.visible.data_ptr<scalar_t>(), in.has_3d.data_ptr<bool>(), bones, batch, joints,
        grad_xy.data_ptr<scalar_t>(), grad_z.data_ptr<scalar_t>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return {grad_xy, grad_z};
}

}  // namespace
}  // namespace ops
}  // namespace wildpose

TORCH_LIBRARY_IMPL(wildpose, CUDA, m) {
  m.impl("bone_ratio_loss_forward", &wildpose::ops::bone_ratio_loss_forward_cuda);
  m.impl("bone_ratio_loss_backward", &wildpose::ops::bone_ratio_loss_backward_cuda);
}
