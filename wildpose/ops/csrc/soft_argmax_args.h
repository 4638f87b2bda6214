// Host-side argument checks and preparation of the soft-argmax entry points, shared by
// the CPU (soft_argmax_cpu.cpp) and CUDA (soft_argmax_cuda.cu) kernels. Nothing here
// depends on the device: the CUDA entry points add their device checks before these
// calls and open their device guard before the prepare_* calls (which copy tensors).
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Optional.h>

#include <cstdint>
#include <utility>

#include "common.h"

namespace wildpose {
namespace ops {

// heatmaps: (B, J, H, W), float32 or float64, at least one cell, fewer than 2^31 cells.
inline void check_heatmaps(const at::Tensor& heatmaps) {
  TORCH_CHECK(heatmaps.dim() == 4, "soft_argmax: heatmaps must be (B, J, H, W), got ",
              heatmaps.sizes());
  check_float_tensor(heatmaps, "heatmaps");
  TORCH_CHECK(heatmaps.size(2) > 0 && heatmaps.size(3) > 0,
              "soft_argmax: heatmaps need at least one cell, got ", heatmaps.sizes());
  TORCH_CHECK(heatmaps.size(2) * heatmaps.size(3) < (int64_t(1) << 31),
              "soft_argmax: a heatmap must have fewer than 2^31 cells");
}

// The backward pass's tensors must all be on the device of the heatmaps (checked before
// any of them is read, and before the CUDA device guard).
inline void check_soft_argmax_backward_devices(const at::Tensor& grad_coords,
                                               const c10::optional<at::Tensor>& grad_conf,
                                               const at::Tensor& heatmaps,
                                               const at::Tensor& coords, const at::Tensor& maxv,
                                               const at::Tensor& inv) {
  check_same_device(heatmaps, grad_coords, "soft_argmax_backward: grad_coords");
  check_same_device(heatmaps, coords, "soft_argmax_backward: coords");
  check_same_device(heatmaps, maxv, "soft_argmax_backward: max");
  check_same_device(heatmaps, inv, "soft_argmax_backward: inv_sum");
  if (grad_conf.has_value() && grad_conf->defined()) {
    check_same_device(heatmaps, *grad_conf, "soft_argmax_backward: grad_conf");
  }
}

// The heatmaps made contiguous, and their sizes.
struct ContiguousHeatmaps {
  at::Tensor x;  // (B, J, H, W)
  int64_t b, j;
  int h, w;
};

inline ContiguousHeatmaps contiguous_heatmaps(const at::Tensor& heatmaps) {
  at::Tensor x = heatmaps.contiguous();
  const int64_t b = x.size(0), j = x.size(1);
  const int h = static_cast<int>(x.size(2)), w = static_cast<int>(x.size(3));
  return ContiguousHeatmaps{std::move(x), b, j, h, w};
}

// The forward pass's input and (uninitialised) outputs, in the dtype of the heatmaps.
struct SoftArgmaxForwardArgs : ContiguousHeatmaps {
  at::Tensor coords;  // (B, J, 2) x, y in heatmap px
  at::Tensor maxv;    // (B, J) the reference value r of each slice
  at::Tensor inv;     // (B, J) 1 / s, the confidence
};

// Call after check_heatmaps (and the CUDA device guard).
inline SoftArgmaxForwardArgs prepare_soft_argmax_forward(const at::Tensor& heatmaps) {
  SoftArgmaxForwardArgs a{contiguous_heatmaps(heatmaps)};
  a.coords = at::empty({a.b, a.j, 2}, a.x.options());
  a.maxv = at::empty({a.b, a.j}, a.x.options());
  a.inv = at::empty({a.b, a.j}, a.x.options());
  return a;
}

// The backward pass's inputs, contiguous and in the dtype of the heatmaps.
struct SoftArgmaxBackwardArgs : ContiguousHeatmaps {
  at::Tensor gcoords;  // (B, J, 2) incoming gradient of the coordinates
  at::Tensor gconf;    // (B, J) incoming gradient of the confidence; undefined if none
  at::Tensor coords;   // (B, J, 2) saved by the forward pass
  at::Tensor maxv;     // (B, J)
  at::Tensor inv;      // (B, J)
};

// Checks that the saved tensors and incoming gradients match the heatmaps and prepares
// them. Call after check_heatmaps (and the CUDA device checks and guard).
inline SoftArgmaxBackwardArgs prepare_soft_argmax_backward(
    const at::Tensor& grad_coords, const c10::optional<at::Tensor>& grad_conf,
    const at::Tensor& heatmaps, const at::Tensor& coords, const at::Tensor& maxv,
    const at::Tensor& inv) {
  SoftArgmaxBackwardArgs a{contiguous_heatmaps(heatmaps)};
  const int64_t slices = a.b * a.j;
  TORCH_CHECK(grad_coords.numel() == slices * 2 && coords.numel() == slices * 2 &&
                  maxv.numel() == slices && inv.numel() == slices,
              "soft_argmax_backward: saved tensors do not match the heatmaps ", a.x.sizes());
  a.gcoords = grad_coords.to(a.x.scalar_type()).contiguous();
  if (grad_conf.has_value() && grad_conf->defined()) {
    TORCH_CHECK(grad_conf->numel() == slices, "soft_argmax_backward: grad_conf must be (B, J)");
    a.gconf = grad_conf->to(a.x.scalar_type()).contiguous();
  }
  a.coords = coords.contiguous();
  a.maxv = maxv.contiguous();
  a.inv = inv.contiguous();
  return a;
}

}  // namespace ops
}  // namespace wildpose
