"""The clone loop end to end on renders (`twinflash flash demo`, `make demo`).

Render speed-camera photos of catalogue models (day, infra-red night, rain, angles), train
and export the recogniser, calibrate its thresholds, build a synthetic registry with
planted clones, check a batch of fresh photos against it and write an HTML report. Every
stage keeps what it finished: a rerun (after a kill, or with more photos) redoes only what
is missing. This part sits above `flash`, `audit` and `pipeline` (docs/architecture.md)
because it is the one place that joins them.
"""
