# Human3.6M evaluation (eval_h36m.py) of the authors' converted weights: their input
# convention, as in hg_mixed_authors.py.
#   python tools/test.py configs/weak3d/eval_h36m_authors.py checkpoints/hg3d_official.pth
_base_ = ['./eval_h36m.py']

model = dict(data_preprocessor=dict(mean=[0., 0., 0.], std=[256., 256., 256.],
                                    bgr_to_rgb=False))
