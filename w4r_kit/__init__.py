"""w4r-kit: the printable Write for Rights volunteer kit from plain files.

The pipeline, one module per stage: `load` (config, cases, strings, templates;
every problem collected) -> `layout` (one module per printed artefact) ->
`assemble` (page order, outline, metadata) -> `output` (atomic writes).
The public API lives in `w4r_kit.api`: build_kit, build_case, check, init_project.
"""
__version__ = "0.1.0"
