# Human3.6M (3D labels) + MPII (2D labels): the paper's training data (method.md), plus
# the test sets of the evaluation configs. Folder layout and downloads: docs/datasets.md.
#
# Every path below hangs off `data_root`, set here and nowhere else. Point it elsewhere
# with `--cfg-options data_root=/my/data` (tools/train.py and tools/test.py pass a changed
# data_root on to every dataset) or by editing this line.
data_root = 'data'

input_size = (256, 256)    # network input, px (w, h)
heatmap_size = (64, 64)    # heatmaps, px (w, h)
sigma = 2.0                # heatmap Gaussian, heatmap px (the Lua original: 7x7, ~1.75)
batch_size = 6             # the paper's batch; mixed batches are 3 Human3.6M + 3 MPII
# the target convention, shared by GenerateTarget (encoding) and the model (decoding)
codec = dict(type='HeatmapDepthCodec', input_size=input_size, heatmap_size=heatmap_size,
             sigma=sigma)

# Human3.6M: the original code did not augment these images (method.md).
h36m_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='DepthFromPose3D'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
# MPII: scale 2^clip(N(0, .25), -.5, .5), rotation clip(N(0, 30), -60, 60) deg with
# probability 0.4, flip 0.5 (left/right swapped), colour gain in [0.6, 1.4].
mpii_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='DepthFromPose3D'),
    dict(type='RandomMirror', prob=0.5),
    dict(type='RandomBBoxTransform', scale_factor=0.25, rotate_factor=30, rotate_prob=0.4),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='RandomChannelGain', low=0.6, high=1.4),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs'),
]

# ---------------------------------------------------------------- Human3.6M
# MMPose's preprocessing layout; `fps10` holds every 5th frame. frame_interval=5 keeps
# every 5th frame of a full-rate file too (it counts frame numbers, not rows).
h36m_train = dict(
    type='Human36mDataset', data_root=data_root,
    ann_file='h36m/annotation_body3d/fps10/h36m_train.npz',
    camera_file='h36m/annotation_body3d/cameras.pkl',
    data_prefix=dict(img='h36m/images/'),
    subjects=['S1', 'S5', 'S6', 'S7', 'S8'], frame_interval=5,
    thorax_3d=True,                   # 3D thorax target = shoulders' midpoint (original)
    pipeline=h36m_train_pipeline)
# S9 S11. For metrics the ground-truth thorax stays Human3.6M's spine joint and the
# model replaces its predicted thorax by the pelvis/upper-neck midpoint (method.md).
h36m_test = dict(
    type='Human36mDataset', data_root=data_root,
    ann_file='h36m/annotation_body3d/fps10/h36m_test.npz',
    camera_file='h36m/annotation_body3d/cameras.pkl',
    data_prefix=dict(img='h36m/images/'),
    subjects=['S9', 'S11'], frame_interval=1, thorax_3d=False,
    pipeline=test_pipeline, test_mode=True)
# the original's quick test: every 200th frame of S9 and S11 (used for validation)
h36m_val = dict(h36m_test, frame_interval=200)

# ---------------------------------------------------------------- MPII
mpii_train = dict(
    type='MpiiDataset', data_root=data_root,
    ann_file='mpii/annotations/mpii_train.json',
    data_prefix=dict(img='mpii/images/'),
    pipeline=mpii_train_pipeline)
mpii_val = dict(
    type='MpiiDataset', data_root=data_root,
    ann_file='mpii/annotations/mpii_val.json',
    headbox_file='mpii/annotations/mpii_gt_val.mat',   # head sizes for PCKh (needs scipy)
    data_prefix=dict(img='mpii/images/'),
    pipeline=test_pipeline, test_mode=True)

# ---------------------------------------------------------------- MPI-INF-3DHP (test only)
mpi_inf_3dhp_test = dict(
    type='MpiInf3dhpDataset', data_root=data_root,
    ann_file='mpi_inf_3dhp/annotations/mpi_inf_3dhp_test_valid.npz',
    camera_file='mpi_inf_3dhp/annotations/cameras_test.pkl',
    data_prefix=dict(img='mpi_inf_3dhp/images/'),
    subjects=['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6'], thorax_3d=False,
    pipeline=test_pipeline, test_mode=True)

# ---------------------------------------------------------------- loaders
# Mixed batches: half Human3.6M, half MPII. ignore_keys: the sources' metainfo differ
# only in their names.
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='MixedSourceSampler', source_ratio=[1, 1]),  # batch size: the loader's
    dataset=dict(type='ConcatDataset', datasets=[h36m_train, mpii_train],
                 ignore_keys=['dataset_name']),
)
# Every validation and test loader: one pass over the data in order, nothing dropped. The
# evaluation configs add their dataset: dict(_base_.eval_loader_settings, dataset=...).
eval_loader_settings = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_dataloader = dict(
    eval_loader_settings,
    dataset=dict(type='ConcatDataset', datasets=[h36m_val, mpii_val],
                 ignore_keys=['dataset_name']),
)
test_dataloader = val_dataloader
# MPJPEMetric skips samples without 3D labels, PCKhMetric those without a head size.
val_evaluator = [dict(type='MPJPEMetric', group_by=None, per_action=True),
                 dict(type='PCKhMetric', threshold=0.5)]
test_evaluator = val_evaluator
