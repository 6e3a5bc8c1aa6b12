"""The citizen's filing flow: the form engine (``engine``), attachments checks (``uploads``)
and the application document (``documento``)."""
