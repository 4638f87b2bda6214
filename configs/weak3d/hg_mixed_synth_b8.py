# Probe: the main job's samples in twice as many steps: batches of 8 (4 lab + 4 wild)
# for 8000 iterations instead of 16 for 4000, about the same compute; it asks whether the
# gain of hg_mixed_synth_8k.py comes from more updates or from more samples
# (docs/benchmarks.md, "What each change brought").
_base_ = ['./hg_mixed_synth_8k.py']

train_dataloader = dict(batch_size=8)
