"""The citizen's filing flow: the form engine (``engine``) and the application document
(``documento``). Attachments pass the one upload policy (the ``uploads`` package)."""
