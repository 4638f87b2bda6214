"""Pictures of poses: 2D skeletons on images and 3D views (registered in ``VISUALIZERS``)."""
