# MPI-INF-3DHP evaluation (the in-the-wild 3D test): the six test sequences' valid
# frames, 3DPCK at 150 mm and its AUC over 0..150 mm on the benchmark's 14 joints, overall
# and per scene type (`scene/GS/...` green screen TS1-2, `scene/noGS/...` TS3-4,
# `scene/Outdoor/...` TS5-6). Predictions are rescaled to the Human3.6M mean skeleton's
# bone-length sum and root-aligned; no training on MPI-INF-3DHP.
#   python tools/test.py configs/weak3d/eval_mpi_inf_3dhp.py work_dirs/hg_mixed/epoch_10.pth
_base_ = ['../_base_/eval_paper_network.py']

model = dict(codec=dict(thorax_midpoint=False))
test_dataloader = dict(_base_.eval_loader_settings, dataset=_base_.mpi_inf_3dhp_test, _delete_=True)
test_evaluator = [dict(type='PCK3DMetric', threshold=150.0)]
