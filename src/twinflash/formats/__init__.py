"""Every file format twinflash reads or writes, one module each: `coco`, `yolo`, `mot`,
`crowd`, `vehicles` (classification crops) and `metadata` (Parquet).

Each module has the same verbs: `read` and `write` touch files; the converters beside
them (`annotations_to_<fmt>`, `<fmt>_to_annotations` or the lossless way back the
format allows) are pure and are what the tests target. This floor stands on the bottom
one only (`annotations`, `camera`, `files`, `errors`): any stage may use it.
"""
