// The bone-ratio (geometric constraint) loss of one sample, forward and backward, as
// host/device routines shared by the CPU kernel (one sample per loop iteration, samples
// spread over OpenMP threads) and the CUDA kernel (one sample per thread).
//
// Bones come flattened: bone e joins parents[e] -> children[e], has weight weights[e]
// and belongs to group group_ids[e]; the bones of a group are contiguous (group_ids is
// non-decreasing), so a group is a run of equal ids and no scratch memory is needed.
// For sample b, bone e is visible when both joints are (visible > 0); its weighted
// length is l_e = w_e * sqrt(max(|xy_p - xy_c|^2 + (z_p - z_c)^2, eps)). A group R with
// n_R visible bones and mean weighted length m_R adds
//     S_R = sum_{visible e in R} (l_e - m_R)^2 / (2 n_R),
// and dS_R / dl_e = (l_e - m_R) / n_R (the m_R term vanishes: the deviations sum to 0).
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

// Squared 3D length of bone e; false when one of its joints is invisible.
template <typename scalar_t>
C10_HOST_DEVICE inline bool bone_sq_length(const SampleRows<scalar_t>& s,
                                           const BoneList& bones, int64_t e, double* d2) {
  const int64_t p = bones.parents[e];
  const int64_t c = bones.children[e];
  if (!(s.visible[p] > 0) || !(s.visible[c] > 0)) return false;
  const double dx = static_cast<double>(s.xy[2 * p]) - static_cast<double>(s.xy[2 * c]);
  const double dy = static_cast<double>(s.xy[2 * p + 1]) - static_cast<double>(s.xy[2 * c + 1]);
  const double dz = static_cast<double>(s.z[p]) - static_cast<double>(s.z[c]);
  *d2 = dx * dx + dy * dy + dz * dz;
  return true;
}

C10_HOST_DEVICE inline double clamped_length(double d2) {
  return sqrt(d2 > kLengthEps ? d2 : kLengthEps);
}

// Sum and count of the visible weighted lengths of the group starting at bone `start`;
// returns the end of the group (one past its last bone).
template <typename scalar_t>
C10_HOST_DEVICE inline int64_t group_mean(const SampleRows<scalar_t>& s, const BoneList& bones,
                                          int64_t start, double* mean, int64_t* n) {
  const int64_t g = bones.group_ids[start];
  double sum = 0.0;
  int64_t count = 0;
  int64_t e = start;
  for (; e < bones.count && bones.group_ids[e] == g; ++e) {
    double d2;
    if (bone_sq_length(s, bones, e, &d2)) {
      sum += bones.weights[e] * clamped_length(d2);
      ++count;
    }
  }
  *n = count;
  *mean = count > 0 ? sum / static_cast<double>(count) : 0.0;
  return e;
}

// The loss of one sample: sum over groups of S_R.
template <typename scalar_t>
C10_HOST_DEVICE inline double sample_loss(const SampleRows<scalar_t>& s, const BoneList& bones) {
  double total = 0.0;
  int64_t start = 0;
  while (start < bones.count) {
    double mean;
    int64_t n;
    const int64_t end = group_mean(s, bones, start, &mean, &n);
    if (n > 0) {
      double spread = 0.0;
      for (int64_t e = start; e < end; ++e) {
        double d2;
        if (bone_sq_length(s, bones, e, &d2)) {
          const double dev = bones.weights[e] * clamped_length(d2) - mean;
          spread += dev * dev;
        }
      }
      total += spread / (2.0 * static_cast<double>(n));
    }
    start = end;
  }
  return total;
}

// Adds scale * d(sample loss)/d(xy, z) to this sample's gradient rows grad_xy (J, 2)
// and grad_z (J,). dl_e/dz_p = w_e (z_p - z_c) / sqrt(d2) = -dl_e/dz_c (same for x, y),
// and 0 where d2 < eps (the clamp), as in the reference's autograd.
template <typename scalar_t>
C10_HOST_DEVICE inline void sample_loss_backward(const SampleRows<scalar_t>& s,
                                                 const BoneList& bones, double scale,
                                                 scalar_t* grad_xy, scalar_t* grad_z) {
  int64_t start = 0;
  while (start < bones.count) {
    double mean;
    int64_t n;
    const int64_t end = group_mean(s, bones, start, &mean, &n);
    for (int64_t e = start; n > 0 && e < end; ++e) {
      double d2;
      if (!bone_sq_length(s, bones, e, &d2) || !(d2 >= kLengthEps)) continue;
      const double w = bones.weights[e];
      const double length = sqrt(d2);
      const double coef = scale * (w * length - mean) / static_cast<double>(n) * w / length;
      const int64_t p = bones.parents[e];
      const int64_t c = bones.children[e];
      const double gz = coef * (static_cast<double>(s.z[p]) - static_cast<double>(s.z[c]));
      const double gx = coef * (static_cast<double>(s.xy[2 * p]) - static_cast<double>(s.xy[2 * c]));
      const double gy =
          coef * (static_cast<double>(s.xy[2 * p + 1]) - static_cast<double>(s.xy[2 * c + 1]));
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
  TORCH_CHECK(xy.scalar_type() == z.scalar_type(), "bone_ratio_loss: xy (", xy.scalar_type(),
              ") and z (", z.scalar_type(), ") must share a dtype");
  const int64_t count = parents.numel();
  TORCH_CHECK(parents.dim() == 1 && children.sizes() == parents.sizes() &&
                  weights.sizes() == parents.sizes() && group_ids.sizes() == parents.sizes(),
              "bone_ratio_loss: parents, children, weights, group_ids must all be (E,)");
  TORCH_CHECK(parents.scalar_type() == at::kLong && children.scalar_type() == at::kLong &&
                  group_ids.scalar_type() == at::kLong && weights.scalar_type() == at::kDouble,
              "bone_ratio_loss: bone indices and group ids must be int64, weights float64");
  for (const at::Tensor* t : {&z, &visible, &has_3d, &parents, &children, &weights, &group_ids}) {
    check_same_device(xy, *t, "a bone_ratio_loss argument");
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
  return in;
}

inline BoneList bone_list(const BoneInputs& in) {
  return BoneList{in.parents.data_ptr<int64_t>(), in.children.data_ptr<int64_t>(),
                  in.weights.data_ptr<double>(), in.group_ids.data_ptr<int64_t>(),
                  in.parents.numel()};
}

}  // namespace ops
}  // namespace wildpose
