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

// exp(t) in float for t <= 0, written so that GCC vectorises it inside `omp simd` loops
// (no libm call): t = n ln2 + r with |r| <= ln2 / 2, exp(r) by a degree-5 polynomial
// (least-squares fit of the relative error on that interval, Lawson-weighted: at most
// 1.8e-7 relative error, about 1.5 float ulp), and 2^n assembled in the exponent bits.
// Inputs below -87 (and -inf) give exactly 0, NaN stays NaN. Positive inputs are not
// clamped: the soft-argmax only calls it with t = beta * (h - r) <= 0.
WP_ALWAYS_INLINE float exp_poly(float t) {
  const float tc = t < -87.0f ? -87.0f : t;
  // round(tc / ln2) with the 1.5 * 2^23 trick (exact for |value| < 2^22)
  const float shifter = 12582912.0f;
  const float n = (tc * 1.44269504088896341f + shifter) - shifter;
  // r = tc - n ln2, with ln2 split in a part exact in float and a correction
  float r = tc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 8.290314115583897e-3f;
  p = p * r + 4.189793020486832e-2f;
  p = p * r + 1.666763573884964e-1f;
  p = p * r + 4.999915063381195e-1f;
  p = p * r + 9.999997019767761e-1f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  const float result = p * scale;
  return t < -87.0f ? 0.0f : result;
}

template <typename scalar_t>
WP_ALWAYS_INLINE scalar_t exp_fast(scalar_t t);

template <>
WP_ALWAYS_INLINE float exp_fast<float>(float t) { return exp_poly(t); }

template <>
WP_ALWAYS_INLINE double exp_fast<double>(double t) { return std::exp(t); }

}  // namespace ops
}  // namespace wildpose
