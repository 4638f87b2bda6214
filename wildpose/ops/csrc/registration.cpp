// The schemas of wildpose's compiled ops, in the `wildpose` namespace of PyTorch's
// dispatcher (callable as torch.ops.wildpose.<name>). The kernels register themselves
// per backend: CPU in *_cpu.cpp, CUDA in *_cuda.cu (built only with a CUDA torch).
//
// Shapes (B batch, J joints, H x W heatmap cells, E bones):
//   soft_argmax_forward(heatmaps (B,J,H,W), beta)
//       -> coords (B,J,2) expected (x, y) in heatmap px, max (B,J) the heatmap value
//          where beta*heatmap is largest in each slice (r), inv_sum (B,J) =
//          1 / sum exp(beta*(h - r)), which is also the largest softmax probability (the
//          confidence).
//   soft_argmax_backward(grad_coords (B,J,2), grad_conf (B,J) or None, heatmaps,
//                        coords, max, inv_sum, beta) -> grad_heatmaps (B,J,H,W)
//   bone_ratio_loss_forward(xy (B,J,2), z (B,J), visible (B,J), has_3d (B,),
//                           parents (E,) int64, children (E,) int64, weights (E,) float64,
//                           group_ids (E,) int64, non-decreasing) -> loss, 0-dim
//   bone_ratio_loss_backward(grad_loss 0-dim, the same inputs) -> (grad_xy, grad_z)
//   build_info() -> str: "source-hash=<16 hex>;cuda=<0|1>;openmp=<0|1>;compiler=<...>"
#include <Python.h>
#include <torch/library.h>

#include <string>

#ifndef WILDPOSE_OPS_SOURCE_HASH
#define WILDPOSE_OPS_SOURCE_HASH unknown
#endif
#define WP_STRINGIFY_(x) #x
#define WP_STRINGIFY(x) WP_STRINGIFY_(x)

// The marker and hash stay readable in the binary (wildpose/ops/_build.py HASH_MARKER),
// so the loader can tell a stale build without loading it.
extern "C" {
#if defined(__GNUC__)
__attribute__((used))
#endif
const char wildpose_ops_source_hash[] =
    "wildpose-ops-source-hash:" WP_STRINGIFY(WILDPOSE_OPS_SOURCE_HASH);
}

namespace {

std::string build_info() {
  std::string info = "source-hash=";
  info += WP_STRINGIFY(WILDPOSE_OPS_SOURCE_HASH);
#ifdef WILDPOSE_WITH_CUDA
  info += ";cuda=1";
#else
  info += ";cuda=0";
#endif
#ifdef _OPENMP
  info += ";openmp=1";
#else
  info += ";openmp=0";
#endif
#if defined(__clang__)
  info += ";compiler=clang " __clang_version__;
#elif defined(__GNUC__)
  info += ";compiler=gcc " __VERSION__;
#elif defined(_MSC_VER)
  info += ";compiler=msvc " WP_STRINGIFY(_MSC_VER);
#endif
  return info;
}

}  // namespace

TORCH_LIBRARY(wildpose, m) {
  m.def("soft_argmax_forward(Tensor heatmaps, float beta) -> (Tensor, Tensor, Tensor)");
  m.def(
      "soft_argmax_backward(Tensor grad_coords, Tensor? grad_conf, Tensor heatmaps, "
      "Tensor coords, Tensor max, Tensor inv_sum, float beta) -> Tensor");
  m.def(
      "bone_ratio_loss_forward(Tensor xy, Tensor z, Tensor visible, Tensor has_3d, "
      "Tensor parents, Tensor children, Tensor weights, Tensor group_ids) -> Tensor");
  m.def(
      "bone_ratio_loss_backward(Tensor grad_loss, Tensor xy, Tensor z, Tensor visible, "
      "Tensor has_3d, Tensor parents, Tensor children, Tensor weights, Tensor group_ids) "
      "-> (Tensor, Tensor)");
  m.def("build_info() -> str", &build_info);
}

// An empty Python module, so that setuptools can build and link this library as the
// extension `wildpose.ops._C` on every platform; the ops are reached through torch.ops.
extern "C" PyObject* PyInit__C(void) {
  static PyModuleDef module = {PyModuleDef_HEAD_INIT, "_C", "wildpose compiled ops", -1,
                               nullptr};
  return PyModule_Create(&module);
}
