// CPU kernels of the bone-ratio (geometric constraint) loss: samples are spread over
// OpenMP threads (at::parallel_for), each computed by the routines of bone_ratio_kernel.h.
// The batch sum is taken in a fixed order, so the loss does not depend on the threads.
// Samples with 3D labels are computed too (times 0), so that NaN passes as in the reference.
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <vector>

#include "bone_ratio_kernel.h"

namespace wildpose {
namespace ops {
namespace {

// Samples per OpenMP task: one sample costs well under a microsecond, so small batches
// stay on one thread (a parallel region costs more than it saves there).
constexpr int64_t kSamplesPerTask = 512;

template <typename scalar_t>
SampleRows<scalar_t> rows_of(const BoneInputs& in, int64_t b) {
  return sample_rows(in.xy.data_ptr<scalar_t>(), in.z.data_ptr<scalar_t>(),
                     in.visible.data_ptr<scalar_t>(), in.z.size(1), b);
}

at::Tensor bone_ratio_loss_forward_cpu(const at::Tensor& xy, const at::Tensor& z,
                                       const at::Tensor& visible, const at::Tensor& has_3d,
                                       const at::Tensor& parents, const at::Tensor& children,
                                       const at::Tensor& weights, const at::Tensor& group_ids) {
  const BoneInputs in =
      prepare_bone_inputs(xy, z, visible, has_3d, parents, children, weights, group_ids);
  const int64_t batch = in.z.size(0);
  const BoneList bones = bone_list(in);
  const bool* has3d = in.has_3d.data_ptr<bool>();
  std::vector<double> per_sample(static_cast<size_t>(batch), 0.0);
  at::Tensor out = at::empty({}, in.z.options());
  AT_DISPATCH_FLOATING_TYPES(in.z.scalar_type(), "bone_ratio_loss_forward_cpu", [&] {
    at::parallel_for(0, batch, kSamplesPerTask, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {  // a 3D sample adds 0, or NaN (0 * NaN)
        per_sample[b] = sample_loss(rows_of<scalar_t>(in, b), bones) * (has3d[b] ? 0.0 : 1.0);
      }
    });
    double total = 0.0;
    for (double v : per_sample) total += v;
    out.data_ptr<scalar_t>()[0] = batch_loss<scalar_t>(total, batch);
  });
  return out;
}

std::tuple<at::Tensor, at::Tensor> bone_ratio_loss_backward_cpu(
    const at::Tensor& grad_loss, const at::Tensor& xy, const at::Tensor& z,
    const at::Tensor& visible, const at::Tensor& has_3d, const at::Tensor& parents,
    const at::Tensor& children, const at::Tensor& weights, const at::Tensor& group_ids) {
  const BoneInputs in = prepare_bone_backward_inputs(grad_loss, xy, z, visible, has_3d, parents,
                                                     children, weights, group_ids);
  const int64_t batch = in.z.size(0), joints = in.z.size(1);
  at::Tensor grad_xy = at::zeros(in.xy.sizes(), in.xy.options());
  at::Tensor grad_z = at::zeros(in.z.sizes(), in.z.options());
  if (batch == 0) return {grad_xy, grad_z};
  const double scale = grad_loss.item<double>() / static_cast<double>(batch);
  const BoneList bones = bone_list(in);
  const bool* has3d = in.has_3d.data_ptr<bool>();
  AT_DISPATCH_FLOATING_TYPES(in.z.scalar_type(), "bone_ratio_loss_backward_cpu", [&] {
    scalar_t* gxy = grad_xy.data_ptr<scalar_t>();
    scalar_t* gz = grad_z.data_ptr<scalar_t>();
    at::parallel_for(0, batch, kSamplesPerTask, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        sample_loss_backward(rows_of<scalar_t>(in, b), bones, scale * (has3d[b] ? 0.0 : 1.0),
                             gxy + 2 * joints * b, gz + joints * b);
      }
    });
  });
  return {grad_xy, grad_z};
}

}  // namespace
}  // namespace ops
}  // namespace wildpose

TORCH_LIBRARY_IMPL(wildpose, CPU, m) {
  m.impl("bone_ratio_loss_forward", &wildpose::ops::bone_ratio_loss_forward_cpu);
  m.impl("bone_ratio_loss_backward", &wildpose::ops::bone_ratio_loss_backward_cpu);
}
