"""Packaging: the jinja2 templates live in the top-level ``templates/`` folder and are
installed as the package-data module ``neurogen.templates``, so a wheel install finds
them with importlib.resources from any working directory."""
from setuptools import find_packages, setup

packages = find_packages(include=["neurogen", "neurogen.*"]) + ["neurogen.templates"]

setup(
    packages=packages,
    package_dir={"neurogen.templates": "templates"},
    package_data={"neurogen.templates": ["*.j2", "cuda/*.j2", "storage/*/*.j2",
                                         "training/*.j2"],
                  "neurogen.inputs": ["*.pxd"]},   # cimport neurogen.inputs.cnetwork
    include_package_data=False,
    zip_safe=False,
)
