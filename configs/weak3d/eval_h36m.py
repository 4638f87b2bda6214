# Human3.6M evaluation (method.md): subjects S9 and S11, MPJPE in mm after root alignment
# (Protocol 1, `mpjpe`) and after similarity Procrustes alignment (Protocol 2,
# `pa_mpjpe`), per action (`action/<name>/...`) and averaged over actions
# (`mpjpe_action_mean`, the literature's number) and over frames (`mpjpe`).
# The test file holds every 5th frame (MMPose's fps10 preprocessing); for the full test
# (every frame) convert with `--sample-rate 1` and pass
#   --cfg-options test_dataloader.dataset.ann_file=h36m/annotation_body3d/fps50/h36m_test.npz
# Predictions are rescaled to the Human3.6M mean skeleton's bone-length sum and their
# thorax set to the pelvis/upper-neck midpoint; the ground-truth thorax is Human3.6M's
# spine joint.
#   python tools/test.py configs/weak3d/eval_h36m.py work_dirs/hg_mixed/epoch_10.pth
_base_ = ['../_base_/eval_paper_network.py']

model = dict(codec=dict(thorax_midpoint=True))
test_dataloader = dict(_base_.eval_loader_settings, dataset=_base_.h36m_test, _delete_=True)
test_evaluator = [dict(type='MPJPEMetric', group_by=None, per_action=True)]
