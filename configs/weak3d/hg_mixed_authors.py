# The authors' released network (hgreg-3d.pth, pytorch-pose-hg-3d branch hg3d) in
# wildpose: hg_mixed.py's network, which has their exact layout, with their input
# convention: the BGR crop divided by 256, no mean subtraction. Convert their file first
# (docs/model_zoo.md):
#   python tools/model_converters/hg3d_official_to_wildpose.py hgreg-3d.pth \
#       checkpoints/hg3d_official.pth
#   python tools/demo.py person.jpg --config configs/weak3d/hg_mixed_authors.py \
#       --checkpoint checkpoints/hg3d_official.pth --out-dir demo_out
# For the Human3.6M numbers use eval_h36m_authors.py.
_base_ = ['./hg_mixed.py']

model = dict(data_preprocessor=dict(mean=[0., 0., 0.], std=[256., 256., 256.],
                                    bgr_to_rgb=False))
load_from = None
