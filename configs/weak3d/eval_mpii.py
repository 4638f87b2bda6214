# MPII evaluation: PCKh@0.5 on the standard validation list (2958 people), overall
# (`pckh`, all joints but pelvis and thorax) and per joint (`joint/<name>/pckh`). Head
# sizes (0.6 x head-box diagonal) come from the official mpii_gt_val.mat (needs scipy).
#   python tools/test.py configs/weak3d/eval_mpii.py work_dirs/hg_mixed/epoch_10.pth
_base_ = ['../_base_/eval_paper_network.py']

test_dataloader = dict(_base_.eval_loader_settings, dataset=_base_.mpii_val, _delete_=True)
test_evaluator = [dict(type='PCKhMetric', threshold=0.5)]
