// The bone-ratio (geometric constraint) loss of one sample, forward and backward, as
// host/device routines shared by the CPU kernel (one sample per loop iteration, samples
// spread over OpenMP threads) and the CUDA kernel (one sample per thread).
//
// Bones come flattened: bone e joins parents[e] -> children[e], has weight weights[e]
// and belongs to group group_ids[e]; the bones of a group are contiguous (group_ids is
// non-decreasing), so a group is a run of equal ids and no scratch memory is needed.
// For sample b, bone e has visibility v_e = 1 when both joints are visible (> 0), else 0,
// and weighted length l_e = w_e * sqrt(max(|xy_p - xy_c|^2 + (z_p - z_c)^2, eps)). A group
// R with n_R = max(sum v_e, 1) and mean m_R = sum_e v_e l_e / n_R adds
//     S_R = sum_e v_e (l_e - m_R)^2 / (2 n_R).
//
// Non-finite values follow the reference's arithmetic exactly (reference.py): every
// bone's length is computed, visible or not, in every sample, with or without 3D labels,
// and multiplied by its 0/1 visibility (or activity), so a NaN or an infinity anywhere
// in a bone gives NaN (NaN * 0 = NaN), and the gradient is the one autograd computes
// from the same expression (the m_R term included; the clamp passes no gradient where
// d2 < eps or d2 is NaN). Arithmetic is in double; for float32 inputs, the values the
// reference computes in float32 (squared lengths, squared deviations and their sums)
// become +inf where they exceed the float32 range, as they overflow there.
#pragma once

#include <ATen/ATen.h>
#include <c10/macros/Macros.h>

#include <cmath>
#include <cstdint>

#include "common.h"

namespace wildpose {
namespace ops {

// Squared lengths below this are clamped (a zero-length bone gets a zero gradient);
// the same constant as reference.LENGTH_EPS
constexpr double kLengthEps = 1e-12;

// v, or +inf where a non-negative v exceeds the range of scalar_t (float32 overflow);
// NaN stays NaN.
template <typename scalar_t>
C10_HOST_DEVICE inline double in_range(double v) {
  return v;
}

template <>
C10_HOST_DEVICE inline double in_range<float>(double v) {
  return v > 3.4028234663852886e38 ? static_cast<double>(INFINITY) : v;
}

struct BoneList {
  const int64_t* parents;
  const int64_t* children;
  const double* weights;
  const int64_t* group_ids;
  int64_t count;
};

// One sample's rows: xy (J, 2), z (J,), visible (J,).
template <typename scalar_t>
struct SampleRows {
  const scalar_t* xy;
  const scalar_t* z;
  const scalar_t* visible;
};

// Sample b's rows of the batch tensors xy (B, J, 2), z (B, J) and visible (B, J).
template <typename scalar_t>
C10_HOST_DEVICE inline SampleRows<scalar_t> sample_rows(const scalar_t* xy, const scalar_t* z,
                                                        const scalar_t* visible, int64_t joints,
                                                        int64_t b) {
  return SampleRows<scalar_t>{xy + 2 * joints * b, z + joints * b, visible + joints * b};
}

// Bone e of one sample: its offsets, squared length, weighted length and visibility.
struct Bone {
  double dx, dy, dz, d2, length, vis;
};

template <typename scalar_t>
C10_HOST_DEVICE inline Bone bone_of(const SampleRows<scalar_t>& s, const BoneList& bones,
                                    int64_t e) {
  const int64_t p = bones.parents[e];
  const int64_t c = bones.children[e];
  Bone b;
  b.dx = static_cast<double>(s.xy[2 * p]) - static_cast<double>(s.xy[2 * c]);
  b.dy = static_cast<double>(s.xy[2 * p + 1]) - static_cast<double>(s.xy[2 * c + 1]);
  b.dz = static_cast<double>(s.z[p]) - static_cast<double>(s.z[c]);
  b.d2 = in_range<scalar_t>(b.dx * b.dx + b.dy * b.dy + b.dz * b.dz);
  b.length = bones.weights[e] * sqrt(b.d2 < kLengthEps ? kLengthEps : b.d2);  // NaN stays
  b.vis = (s.visible[p] > 0 && s.visible[c] > 0) ? 1.0 : 0.0;
  return b;
}

// The mean m_R and n_R of the group starting at bone `start`; returns the end of the
// group (one past its last bone).
template <typename scalar_t>
C10_HOST_DEVICE inline int64_t group_mean(const SampleRows<scalar_t>& s, const BoneList& bones,
                                          int64_t start, double* mean, double* n) {
  const int64_t g = bones.group_ids[start];
  double sum = 0.0, count = 0.0;
  int64_t e = start;
  for (; e < bones.count && bones.group_ids[e] == g; ++e) {
    const Bone b = bone_of(s, bones, e);
    sum += b.length * b.vis;
    count += b.vis;
  }
  *n = count > 1.0 ? count : 1.0;
  *mean = sum / *n;
  return e;
}

// The loss of one sample: sum over groups of S_R.
template <typename scalar_t>
C10_HOST_DEVICE inline double sample_loss(const SampleRows<scalar_t>& s, const BoneList& bones) {
  double total = 0.0;
  int64_t start = 0;
  while (start < bones.count) {
    double mean, n;
    const int64_t end = group_mean(s, bones, start, &mean, &n);
    double spread = 0.0;
    for (int64_t e = start; e < end; ++e) {
      const Bone b = bone_of(s, bones, e);
      const double dev = b.length - mean;
      spread += in_range<scalar_t>(dev * dev) * b.vis;
    }
    total += in_range<scalar_t>(spread) / (2.0 * n);
    start = end;
  }
  return in_range<scalar_t>(total);
}

// Adds d(g * sample loss)/d(xy, z) to this sample's gradient rows grad_xy (J, 2) and
// grad_z (J,); g is the incoming gradient of this sample's loss (0 for a sample with 3D
// labels, which still passes NaN on, as 0 * NaN does in the reference).
template <typename scalar_t>
C10_HOST_DEVICE inline void sample_loss_backward(const SampleRows<scalar_t>& s,
                                                 const BoneList& bones, double g,
                                                 scalar_t* grad_xy, scalar_t* grad_z) {
  int64_t start = 0;
  while (start < bones.count) {
    double mean, n;
    const int64_t end = group_mean(s, bones, start, &mean, &n);
    const double g_spread = g / (2.0 * n);  // dS_R/d(sum of squared deviations)
    double dev_sum = 0.0;                     // sum_e v_e (l_e - m_R): 0 up to rounding
    for (int64_t e = start; e < end; ++e) {
      const Bone b = bone_of(s, bones, e);
      dev_sum += (b.length - mean) * b.vis;
    }
    const double g_mean = -2.0 * g_spread * dev_sum / n;  // through m_R, per unit v_e
    for (int64_t e = start; e < end; ++e) {
      const Bone b = bone_of(s, bones, e);
      const double g_length = 2.0 * g_spread * (b.length - mean) * b.vis + g_mean * b.vis;
      const double g_d2 =
          b.d2 >= kLengthEps ? g_length * bones.weights[e] / (2.0 * sqrt(b.d2)) : 0.0;
      const double gx = 2.0 * b.dx * g_d2, gy = 2.0 * b.dy * g_d2, gz = 2.0 * b.dz * g_d2;
      const int64_t p = bones.parents[e];
      const int64_t c = bones.children[e];
      grad_z[p] += static_cast<scalar_t>(gz);
      grad_z[c] -= static_cast<scalar_t>(gz);
      grad_xy[2 * p] += static_cast<scalar_t>(gx);
      grad_xy[2 * c] -= static_cast<scalar_t>(gx);
      grad_xy[2 * p + 1] += static_cast<scalar_t>(gy);
      grad_xy[2 * c + 1] -= static_cast<scalar_t>(gy);
    }
    start = end;
  }
}

// The batch loss from the sum of the samples' (loss * activity): the sum overflows
// float32 before the division, as in the reference.
template <typename scalar_t>
C10_HOST_DEVICE inline scalar_t batch_loss(double sum, int64_t batch) {
  return static_cast<scalar_t>(batch > 0 ? in_range<scalar_t>(sum) / static_cast<double>(batch)
                                         : 0.0);
}

// ---------------------------------------------------------------- host-side checks
// The op's tensors after validation: contiguous, visible in the dtype of z, has_3d bool.
struct BoneInputs {
  at::Tensor xy, z, visible, has_3d, parents, children, weights, group_ids;
};

// Validates shapes, dtypes and devices and makes everything contiguous. Index ranges and
// the order of group_ids are checked here for CPU tensors only (a device check would
// synchronise); the Python wrapper checks them once per bone-group definition.
inline BoneInputs prepare_bone_inputs(const at::Tensor& xy, const at::Tensor& z,
                                      const at::Tensor& visible, const at::Tensor& has_3d,
                                      const at::Tensor& parents, const at::Tensor& children,
                                      const at::Tensor& weights, const at::Tensor& group_ids) {
  TORCH_CHECK(xy.dim() == 3 && xy.size(2) == 2, "bone_ratio_loss: xy must be (B, J, 2), got ",
              xy.sizes());
  const int64_t batch = xy.size(0), joints = xy.size(1);
  TORCH_CHECK(z.dim() == 2 && z.size(0) == batch && z.size(1) == joints,
              "bone_ratio_loss: z must be (B, J) = (", batch, ", ", joints, "), got ", z.sizes());
  TORCH_CHECK(visible.sizes() == z.sizes(), "bone_ratio_loss: visible must be (B, J), got ",
              visible.sizes());
  TORCH_CHECK(has_3d.dim() == 1 && has_3d.size(0) == batch,
              "bone_ratio_loss: has_3d must be (B,), got ", has_3d.sizes());
  check_float_tensor(z, "z");
  TORCH_CHECK(!visible.is_complex() && !has_3d.is_complex(),
              "bone_ratio_loss: visible and has_3d must be real, got ", visible.scalar_type(),
              " and ", has_3d.scalar_type());
  TORCH_CHECK(xy.scalar_type() == z.scalar_type(), "bone_ratio_loss: xy (", xy.scalar_type(),
              ") and z (", z.scalar_type(), ") must share a dtype");
  const int64_t count = parents.numel();
  TORCH_CHECK(parents.dim() == 1 && children.sizes() == parents.sizes() &&
                  weights.sizes() == parents.sizes() && group_ids.sizes() == parents.sizes(),
              "bone_ratio_loss: parents, children, weights, group_ids must all be (E,)");
  TORCH_CHECK(parents.scalar_type() == at::kLong && children.scalar_type() == at::kLong &&
                  group_ids.scalar_type() == at::kLong && weights.scalar_type() == at::kDouble,
              "bone_ratio_loss: bone indices and group ids must be int64, weights float64");
  check_same_device(xy, z, "bone_ratio_loss: z");
  check_same_device(xy, visible, "bone_ratio_loss: visible");
  check_same_device(xy, has_3d, "bone_ratio_loss: has_3d");
  for (const at::Tensor* t : {&parents, &children, &weights, &group_ids}) {
    check_same_device(xy, *t, "bone_ratio_loss: a bone table");
  }
  BoneInputs in{xy.contiguous(), z.contiguous(), visible.to(z.scalar_type()).contiguous(),
                has_3d.to(at::kBool).contiguous(), parents.contiguous(), children.contiguous(),
                weights.contiguous(), group_ids.contiguous()};
  if (xy.device().is_cpu()) {
    const int64_t* p = in.parents.data_ptr<int64_t>();
    const int64_t* c = in.children.data_ptr<int64_t>();
    const int64_t* g = in.group_ids.data_ptr<int64_t>();
    for (int64_t e = 0; e < count; ++e) {
      TORCH_CHECK(p[e] >= 0 && p[e] < joints && c[e] >= 0 && c[e] < joints,
                  "bone_ratio_loss: bone ", e, " = (", p[e], ", ", c[e], ") is out of range for ",
                  joints, " joints");
      TORCH_CHECK(e == 0 || g[e] >= g[e - 1],
                  "bone_ratio_loss: group_ids must be non-decreasing (bones sorted by group)");
    }
  }
  return in;
}

// prepare_bone_inputs for the backward pass, which also takes the loss's gradient.
inline BoneInputs prepare_bone_backward_inputs(
    const at::Tensor& grad_loss, const at::Tensor& xy, const at::Tensor& z,
    const at::Tensor& visible, const at::Tensor& has_3d, const at::Tensor& parents,
    const at::Tensor& children, const at::Tensor& weights, const at::Tensor& group_ids) {
  BoneInputs in =
      prepare_bone_inputs(xy, z, visible, has_3d, parents, children, weights, group_ids);
  TORCH_CHECK(grad_loss.numel() == 1, "bone_ratio_loss_backward: grad_loss must be a scalar");
  check_same_device(xy, grad_loss, "bone_ratio_loss_backward: grad_loss");
  return in;
}

inline BoneList bone_list(const BoneInputs& in) {
  return BoneList{in.parents.data_ptr<int64_t>(), in.children.data_ptr<int64_t>(),
                  in.weights.data_ptr<double>(), in.group_ids.data_ptr<int64_t>(),
                  in.parents.numel()};
}

}  // namespace ops
}  // namespace wildpose
