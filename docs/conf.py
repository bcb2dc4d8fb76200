"""Sphinx configuration of neurogen's documentation site (docs/README.md: the tools and why).

    pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The Markdown pages of docs/ are the site's pages (MyST); the API reference comes from the
docstrings (autodoc + autosummary, NumPy style through napoleon); the gallery runs every
script of examples/ (sphinx-gallery: hooks in _ext/neurogen_gallery.py); the Python
snippets of the user guide run during the build (_ext/neurogen_snippets.py).
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import neurogen_gallery  # noqa: E402  (docs/_ext)

import neurogen  # noqa: E402

project = "neurogen"
author = "the neurogen developers"
copyright = "2026, the neurogen developers"
release = neurogen.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.mathjax",
    "sphinx_click",
    "sphinx_gallery.gen_gallery",
    "neurogen_gallery",
    "neurogen_snippets",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "**/GALLERY_HEADER.rst",
                    "auto_examples/*.ipynb", "auto_examples/**/*.ipynb",
                    "auto_examples/*.py", "auto_examples/**/*.py",
                    "auto_examples/*.zip", "auto_examples/**/*.zip"]
suppress_warnings = []

# --- MyST: the pages stay plain Markdown, readable on the repository page too ---------
myst_enable_extensions = ["dollarmath", "deflist", "colon_fence"]
myst_heading_anchors = 3          # [text](page.md#a-heading) links, as GitHub makes them

# --- API reference ---------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = False   # (True fails on some signatures: "pop from empty list")
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

# --- example gallery ---------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": neurogen_gallery.not_run_pattern(),   # all but the viewer's
    "ignore_pattern": r"(_common|__init__)\.py$",
    "reset_argv": "neurogen_gallery.reset_argv",
    "reset_modules": ("matplotlib", "neurogen_gallery.reset_neurogen"),
    "image_scrapers": ("neurogen_gallery.scrape_outputs",),
    "abort_on_example_error": False,      # every failing example is reported...
    "only_warn_on_example_error": False,  # ...and fails the build
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "capture_repr": (),                   # what a script prints, not the repr of lines
}
neurogen_figures = os.environ.get("NEUROGEN_DOCS_FIGURES", "check")
neurogen_gallery_sizes = os.environ.get("NEUROGEN_DOCS_SIZES", "quick")

# --- the user guide's snippets, run during the build -----------------------------------
snippet_pages = ["quickstart", "equations", "spiking", "analysis", "cli", "cuda", "inputs",
                 "viewer", "training", "annarchy", "architecture", "bold"]

# --- HTML ---------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"neurogen {release}"
html_static_path = []
