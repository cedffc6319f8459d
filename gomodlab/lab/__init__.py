"""What people look at: figures, widgets, the post-mortem, its HTML report, and the demo world.

``plots`` (matplotlib figures), ``widgets`` (ipywidgets apps), ``postmortem`` (the evidence a
post-mortem ties together), ``report`` (a notebook executed and exported to HTML), ``demo`` (the
built-in damaged world), ``universe`` (module universes written as a GOPROXY directory),
``formatting`` (quantities and tables as a reader sees them). Views only: every number comes from
a layer below.
"""
