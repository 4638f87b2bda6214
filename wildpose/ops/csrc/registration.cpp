// The schemas of wildpose's compiled ops, in the `wildpose` namespace of PyTorch's
// dispatcher (callable as torch.ops.wildpose.<name>). The kernels register themselves
// per backend: CPU in *_cpu.cpp, CUDA in *_cuda.cu (built only with a CUDA torch).
//
// Shapes (B batch, J joints, H x W heatmap cells, E bones):
//   soft_argmax_forward(heatmaps (B,J,H,W), beta)
//       -> coords (B,J,2) expected (x, y) in heatmap px, max (B,J) largest beta*heatmap
//          value of each slice, inv_sum (B,J) = 1 / sum exp(beta*h - max), which is also
//          the largest softmax probability (the confidence).
//   soft_argmax_backward(grad_coords (B,J,2), grad_conf (B,J) or None, heatmaps,
//                        coords, max, inv_sum, beta) -> grad_heatmaps (B,J,H,W)
//   bone_ratio_loss_forward(xy (B,J,2), z (B,J), visible (B,J), has_3d (B,),
//                           parents (E,) int64, children (E,) int64, weights (E,) float64,
//                           group_ids (E,) int64, non-decreasing) -> loss, 0-dim
//   bone_ratio_loss_backward(grad_loss 0-dim, the same inputs) -> (grad_xy, grad_z)
#include <torch/library.h>

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
}
