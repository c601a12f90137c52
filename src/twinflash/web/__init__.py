"""`twinflash serve`: the agents' review of suspected clones and the public twin-city demo.

Importing this package stays light (no FastAPI, no Huey): the app is built by
`twinflash.web.app.create_app`, the job queue by `twinflash.web.queue.build_queue`.
"""
