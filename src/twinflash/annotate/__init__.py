"""Frame + Scene -> `twinflash.annotations.Annotations`. Pure numpy, testable without Blender.

Public API (the renderer's CLI calls these two):

    annotations = annotate_frame(frame, scene)
    write_scene_outputs(out_dir, frame, scene, annotations)
"""

from twinflash.annotate.annotator import annotate_frame
from twinflash.annotate.write import write_scene_outputs

__all__ = ["annotate_frame", "write_scene_outputs"]
