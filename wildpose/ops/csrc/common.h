// Shared helpers for wildpose's compiled ops (CPU and CUDA translation units).
//
// Nothing here depends on CUDA: the .cu files include it for the checks and for the
// bone-ratio per-sample routines (bone_ratio_kernel.h), which are host/device code.
#pragma once

#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

// Function multi-versioning for the CPU kernels: GCC compiles the marked function once
// per target and picks the best clone for the running processor when the library is
// loaded, so one portable binary still gets AVX2 / AVX-512 vectors for its inner loops.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define WP_TARGET_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WP_TARGET_CLONES
#endif

#if defined(__GNUC__)
#define WP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define WP_ALWAYS_INLINE inline
#endif

namespace wildpose {
namespace ops {

// Checks shared by every op's entry point. `name` names the argument in the message.
inline void check_float_tensor(const at::Tensor& t, const char* name) {
  TORCH_CHECK(t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble,
              "wildpose ops: ", name, " must be float32 or float64, got ", t.scalar_type());
}

inline void check_same_device(const at::Tensor& a, const at::Tensor& b, const char* name) {
  TORCH_CHECK(a.device() == b.device(), "wildpose ops: ", name, " is on ", b.device(),
              " but the input is on ", a.device());
}

// 2^u in float for u <= 0, written so that GCC vectorises it inside `omp simd` loops
// (no libm call): u = n + f with n = round(u) and |f| <= 1/2 (exact), 2^f by a degree-5
// polynomial (least-squares fit of the relative error on [-1/2, 1/2], Lawson-weighted: at
// most 1.9e-7 relative error, about 1.5 float ulp), and 2^n assembled in the exponent
// bits. Exactly 1 at u = 0; inputs below -126 (and -inf) give exactly 0; NaN stays NaN.
// Positive inputs are not clamped: the soft-argmax only calls it with u <= 0.
WP_ALWAYS_INLINE float exp2_poly(float u) {
  const float uc = u < -126.0f ? -126.0f : u;
  // round(uc) with the 1.5 * 2^23 trick (exact for |value| < 2^22)
  const float shifter = 12582912.0f;
  const float n = (uc + shifter) - shifter;
  const float f = uc - n;
  float p = 1.3264727e-3f;
  p = p * f + 9.671513e-3f;
  p = p * f + 5.5507336e-2f;
  p = p * f + 2.4022242e-1f;
  p = p * f + 6.93147e-1f;
  p = p * f + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  const float result = p * scale;
  return u < -126.0f ? 0.0f : result;
}

// The soft-argmax's exponentials exp(beta * d), d = h - r and beta * d <= 0, computed as
// expo(d * exponent_scale(beta)): float32 works in base 2 (one multiply folds beta and
// 1 / ln 2, then the polynomial above), float64 calls std::exp. The argument is exactly
// 0 where d = 0 (at the maximum), so the exponential is exactly 1 there.
template <typename scalar_t>
WP_ALWAYS_INLINE scalar_t exponent_scale(scalar_t beta);

template <>
WP_ALWAYS_INLINE float exponent_scale<float>(float beta) { return beta * 1.44269504088896341f; }

template <>
WP_ALWAYS_INLINE double exponent_scale<double>(double beta) { return beta; }

template <typename scalar_t>
WP_ALWAYS_INLINE scalar_t expo(scalar_t u);

template <>
WP_ALWAYS_INLINE float expo<float>(float u) { return exp2_poly(u); }

template <>
WP_ALWAYS_INLINE double expo<double>(double u) { return std::exp(u); }

}  // namespace ops
}  // namespace wildpose
