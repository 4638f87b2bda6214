// CPU kernels of the soft-argmax (integral heatmap decoding), forward and backward.
//
// One (b, j) slice of H x W cells is processed by one thread (slices are spread over
// OpenMP threads with at::parallel_for); its inner loops run along a heatmap row and are
// vectorised (`omp simd`, with the polynomial 2^u of common.h for float32), and the
// functions holding them are compiled for AVX-512, AVX2 and baseline x86-64 (one is
// picked at load time).
//
// Forward, with r the heatmap value where beta * h is largest, e_k = exp(beta (h_k - r)),
// s = sum_k e_k and p_k = e_k / s: x = sum_k p_k col_k, y = sum_k p_k row_k, and the
// confidence max_k p_k = 1/s.
// Backward: dx/dh_k = beta p_k (col_k - x), dy/dh_k = beta p_k (row_k - y), and for the
// confidence p_m: dp_m/dh_k = beta p_m ([k is a maximum] / T - p_k), T the number of tied
// maxima (the reference's amax shares its gradient evenly between ties).
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>
#include <limits>

#include "common.h"
#include "soft_argmax_args.h"

namespace wildpose {
namespace ops {
namespace {

// The value r of the slice where beta * h is largest (the largest h for beta >= 0, the
// smallest for beta < 0). Every exponent is then beta * (h_k - r) <= 0, and exactly 0 at
// the maximum, so e = 1 there whatever the rounding (p_max = 1 / s holds exactly).
template <typename scalar_t>
WP_ALWAYS_INLINE scalar_t reference_value(const scalar_t* x, int64_t n, scalar_t beta) {
  const scalar_t sign = beta < 0 ? scalar_t(-1) : scalar_t(1);
  scalar_t m = -std::numeric_limits<scalar_t>::infinity();
#pragma omp simd reduction(max : m)
  for (int64_t k = 0; k < n; ++k) {
    const scalar_t t = sign * x[k];
    m = t > m ? t : m;
  }
  return sign * m;
}

// Heatmaps up to this many rows and columns take the column-sum path of forward_slice.
constexpr int kColumnBuffer = 256;

template <typename scalar_t>
WP_ALWAYS_INLINE void forward_slice(const scalar_t* x, int h, int w, scalar_t beta,
                                    scalar_t* coords, scalar_t* ref_out, scalar_t* inv_out) {
  const int64_t n = static_cast<int64_t>(h) * w;
  // beta = 0: every exponent is 0 * h (r = 0 keeps h - r from overflowing)
  const scalar_t ref = beta == scalar_t(0) ? scalar_t(0) : reference_value(x, n, beta);
  const scalar_t bl = exponent_scale(beta);
  *ref_out = ref;
  // all beta * h are -inf, one is +inf or NaN, or beta * h overflows float32 as it does
  // in the reference: the softmax is undefined (NaN)
  if (!std::isfinite(ref * beta)) {
    const scalar_t nan = std::numeric_limits<scalar_t>::quiet_NaN();
    coords[0] = coords[1] = *inv_out = nan;
    return;
  }
  double s = 0.0, sx = 0.0, sy = 0.0;
  if (w <= kColumnBuffer && h <= kColumnBuffer) {
    // per-column sums of e and e * row over the rows: the row loop is pure vector work
    // (no horizontal reduction per row); the columns are reduced once at the end
    alignas(64) scalar_t col_e[kColumnBuffer];
    alignas(64) scalar_t col_ey[kColumnBuffer];
    for (int c = 0; c < w; ++c) col_e[c] = col_ey[c] = 0;
    for (int r = 0; r < h; ++r) {
      const scalar_t* row = x + static_cast<int64_t>(r) * w;
      const scalar_t fr = static_cast<scalar_t>(r);
#pragma omp simd aligned(col_e, col_ey : 64)
      for (int c = 0; c < w; ++c) {
        const scalar_t e = expo<scalar_t>((row[c] - ref) * bl);
        col_e[c] += e;
        col_ey[c] += e * fr;
      }
    }
    for (int c = 0; c < w; ++c) {
      s += col_e[c];
      sx += static_cast<double>(col_e[c]) * c;
      sy += col_ey[c];
    }
  } else {  // float sums along a row, double across rows
    for (int r = 0; r < h; ++r) {
      const scalar_t* row = x + static_cast<int64_t>(r) * w;
      scalar_t rs = 0, rx = 0;
#pragma omp simd reduction(+ : rs, rx)
      for (int c = 0; c < w; ++c) {
        const scalar_t e = expo<scalar_t>((row[c] - ref) * bl);
        rs += e;
        rx += e * static_cast<scalar_t>(c);
      }
      s += rs;
      sx += rx;
      sy += static_cast<double>(rs) * r;
    }
  }
  coords[0] = static_cast<scalar_t>(sx / s);
  coords[1] = static_cast<scalar_t>(sy / s);
  *inv_out = static_cast<scalar_t>(1.0 / s);
}

template <typename scalar_t>
WP_ALWAYS_INLINE void backward_slice(const scalar_t* x, int h, int w, scalar_t beta,
                                     scalar_t gx, scalar_t gy, scalar_t gc, scalar_t cx,
                                     scalar_t cy, scalar_t ref, scalar_t inv, scalar_t* grad) {
  const scalar_t scale = beta * inv;  // beta p_k = scale e_k
  const scalar_t bl = exponent_scale(beta);
  // the [k is a maximum] / T term of the confidence's gradient, T the number of ties
  // (cells whose exponent is exactly 0)
  scalar_t share = 0;
  if (gc != 0) {
    const int64_t n = static_cast<int64_t>(h) * w;
    int64_t ties = 0;
#pragma omp simd reduction(+ : ties)
    for (int64_t k = 0; k < n; ++k) ties += ((x[k] - ref) * bl == scalar_t(0)) ? 1 : 0;
    if (ties > 0) share = beta * gc * inv / static_cast<scalar_t>(ties);
  }
  for (int r = 0; r < h; ++r) {
    const scalar_t* row = x + static_cast<int64_t>(r) * w;
    scalar_t* grow = grad + static_cast<int64_t>(r) * w;
    // gx (c - x) + gy (r - y) - gc p_m, split into gx c + a
    const scalar_t a = gy * (static_cast<scalar_t>(r) - cy) - gx * cx - gc * inv;
#pragma omp simd
    for (int c = 0; c < w; ++c) {
      const scalar_t u = (row[c] - ref) * bl;
      const scalar_t g = scale * expo<scalar_t>(u) * (gx * static_cast<scalar_t>(c) + a);
      grow[c] = u == scalar_t(0) ? g + share : g;
    }
  }
}

// Non-template entry points, one per dtype, so that GCC can clone them per target.
WP_TARGET_CLONES void forward_slices(const float* x, int64_t begin, int64_t end, int h, int w,
                                     float beta, float* coords, float* maxv, float* inv) {
  for (int64_t i = begin; i < end; ++i)
    forward_slice(x + i * h * w, h, w, beta, coords + 2 * i, maxv + i, inv + i);
}

WP_TARGET_CLONES void forward_slices(const double* x, int64_t begin, int64_t end, int h, int w,
                                     double beta, double* coords, double* maxv, double* inv) {
  for (int64_t i = begin; i < end; ++i)
    forward_slice(x + i * h * w, h, w, beta, coords + 2 * i, maxv + i, inv + i);
}

template <typename scalar_t>
WP_ALWAYS_INLINE void backward_slices_impl(const scalar_t* x, int64_t begin, int64_t end, int h,
                                           int w, scalar_t beta, const scalar_t* gcoords,
                                           const scalar_t* gconf, const scalar_t* coords,
                                           const scalar_t* maxv, const scalar_t* inv,
                                           scalar_t* grad) {
  const int64_t n = static_cast<int64_t>(h) * w;
  for (int64_t i = begin; i < end; ++i) {
    backward_slice(x + i * n, h, w, beta, gcoords[2 * i], gcoords[2 * i + 1],
                   gconf ? gconf[i] : scalar_t(0), coords[2 * i], coords[2 * i + 1], maxv[i],
                   inv[i], grad + i * n);
  }
}

WP_TARGET_CLONES void backward_slices(const float* x, int64_t begin, int64_t end, int h, int w,
                                      float beta, const float* gcoords, const float* gconf,
                                      const float* coords, const float* maxv, const float* inv,
                                      float* grad) {
  backward_slices_impl(x, begin, end, h, w, beta, gcoords, gconf, coords, maxv, inv, grad);
}

WP_TARGET_CLONES void backward_slices(const double* x, int64_t begin, int64_t end, int h, int w,
                                      double beta, const double* gcoords, const double* gconf,
                                      const double* coords, const double* maxv,
                                      const double* inv, double* grad) {
  backward_slices_impl(x, begin, end, h, w, beta, gcoords, gconf, coords, maxv, inv, grad);
}

// Slices per OpenMP task: about 32k cells, so tiny inputs stay on one thread.
int64_t slice_grain(int64_t cells) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(cells, 1)); }

std::tuple<at::Tensor, at::Tensor, at::Tensor> soft_argmax_forward_cpu(const at::Tensor& heatmaps,
                                                                        double beta) {
  check_heatmaps(heatmaps);
  const SoftArgmaxForwardArgs a = prepare_soft_argmax_forward(heatmaps);
  const int h = a.h, w = a.w;
  AT_DISPATCH_FLOATING_TYPES(a.x.scalar_type(), "soft_argmax_forward_cpu", [&] {
    const scalar_t* xp = a.x.data_ptr<scalar_t>();
    scalar_t* cp = a.coords.data_ptr<scalar_t>();
    scalar_t* mp = a.maxv.data_ptr<scalar_t>();
    scalar_t* ip = a.inv.data_ptr<scalar_t>();
    const scalar_t bt = static_cast<scalar_t>(beta);
    at::parallel_for(0, a.b * a.j, slice_grain(int64_t(h) * w), [&](int64_t begin, int64_t end) {
      forward_slices(xp, begin, end, h, w, bt, cp, mp, ip);
    });
  });
  return {a.coords, a.maxv, a.inv};
}

at::Tensor soft_argmax_backward_cpu(const at::Tensor& grad_coords,
                                    const c10::optional<at::Tensor>& grad_conf,
                                    const at::Tensor& heatmaps, const at::Tensor& coords,
                                    const at::Tensor& maxv, const at::Tensor& inv, double beta) {
  check_heatmaps(heatmaps);
  check_soft_argmax_backward_devices(grad_coords, grad_conf, heatmaps, coords, maxv, inv);
  const SoftArgmaxBackwardArgs a =
      prepare_soft_argmax_backward(grad_coords, grad_conf, heatmaps, coords, maxv, inv);
  const int h = a.h, w = a.w;
  at::Tensor grad = at::empty_like(a.x);
  AT_DISPATCH_FLOATING_TYPES(a.x.scalar_type(), "soft_argmax_backward_cpu", [&] {
    const scalar_t* xp = a.x.data_ptr<scalar_t>();
    const scalar_t* gcp = a.gcoords.data_ptr<scalar_t>();
    const scalar_t* gfp = a.gconf.defined() ? a.gconf.data_ptr<scalar_t>() : nullptr;
    const scalar_t* cp = a.coords.data_ptr<scalar_t>();
    const scalar_t* mp = a.maxv.data_ptr<scalar_t>();
    const scalar_t* ip = a.inv.data_ptr<scalar_t>();
    scalar_t* gp = grad.data_ptr<scalar_t>();
    const scalar_t bt = static_cast<scalar_t>(beta);
    at::parallel_for(0, a.b * a.j, slice_grain(int64_t(h) * w), [&](int64_t begin, int64_t end) {
      backward_slices(xp, begin, end, h, w, bt, gcp, gfp, cp, mp, ip, gp);
    });
  });
  return grad;
}

}  // namespace
}  // namespace ops
}  // namespace wildpose

TORCH_LIBRARY_IMPL(wildpose, CPU, m) {
  m.impl("soft_argmax_forward", &wildpose::ops::soft_argmax_forward_cpu);
  m.impl("soft_argmax_backward", &wildpose::ops::soft_argmax_backward_cpu);
}
