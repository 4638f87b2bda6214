# The tiny config's test pipeline around a stand-in estimator (tests/test_apis/truth_stub.py)
# that returns known poses: the inferencer's tests check tracking, smoothing and camera
# placement against exact answers with it.
_base_ = ['./tiny_mixed_synth.py']
model = dict(_delete_=True, type='TruthStubEstimator')
