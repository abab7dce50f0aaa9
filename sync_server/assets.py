"""Loading checklist templates and indicator catalogues from their data files under ``assets/``.

Layout: ``assets/templates/<template id>/v<version>.yaml``, ``assets/catalogue/v<version>.yaml`` and the
shared question modules a template includes (``- include: person@1``) in ``assets/modules/<id>/v<version>.yaml``.
Files are validated at load; a broken file raises ``TemplateError`` naming the file, the question and
the problem. The highest version of each is the published one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.catalogue_fit import check_against_template, template_versions, unused_questions
from schemas.templates import Template, TemplateError, expand_includes, included_modules, parse_template

_PACKAGED = Path(__file__).resolve().parent / "_assets"  # an installed wheel (setup.py copies assets/ there)
ASSETS_DIR = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parent.parent / "assets"
_VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")


def read_data_file(path: Path) -> Any:
    """Parse a YAML (or JSON) data file; syntax errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(str(path), [f"cannot read file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise TemplateError(str(path), ["cannot read file: not UTF-8 text"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(str(path), [f"not valid YAML: {exc}"]) from None


def load_template(path: Path, modules_dir: Path | None = None) -> Template:
    """Read one template file, expand the modules it includes, and validate it."""
    data = read_data_file(path)
    folder = modules_dir or _modules_dir_for(path)
    modules = {ref: _read_module(folder, ref) for ref in included_modules(data)}
    return parse_template(expand_includes(data, modules, str(path)), str(path))


def _modules_dir_for(template_path: Path) -> Path:
    """``<assets>/modules`` beside the template's ``<assets>/templates``; the bundled one for a loose file."""
    beside = template_path.resolve().parent.parent.parent / "modules"
    return beside if beside.is_dir() else ASSETS_DIR / "modules"


def _read_module(folder: Path, ref: str) -> Any:
    """One module file; a missing or mislabelled module raises ``TemplateError`` naming the module file."""
    module_id, _, version = ref.partition("@")
    path = folder / module_id / f"v{version}.yaml"
    if not path.is_file():
        return None  # expand_includes reports it as an unknown module, naming the template
    data = read_data_file(path)
    if not isinstance(data, dict) or data.get("id") != module_id or str(data.get("version")) != version:
        raise TemplateError(str(path), [f"module file must say id: {module_id} and version: {version}"])
    return data


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate one catalogue file."""
    return parse_catalogue(read_data_file(path), str(path))


def _versions(folder: Path) -> list[tuple[int, Path]]:
    found = [(int(m.group(1)), p) for p in folder.glob("v*.y*ml") if (m := _VERSION_FILE.match(p.name))]
    return sorted(found)


def all_templates(assets_dir: Path = ASSETS_DIR) -> list[Template]:
    """Every version of every template, validated; the file name's version must match its content."""
    out: list[Template] = []
    for folder in sorted(p for p in (assets_dir / "templates").iterdir() if p.is_dir()):
        for version, path in _versions(folder):
            template = load_template(path)
            if (template.id, template.version) != (folder.name, version):
                raise TemplateError(str(path), [f"file says {template.key}, path says {folder.name}@{version}"])
            out.append(template)
    return out


def published_templates(assets_dir: Path = ASSETS_DIR) -> list[Template]:
    """The newest version of each template."""
    newest: dict[str, Template] = {}
    for t in all_templates(assets_dir):
        newest[t.id] = t
    return list(newest.values())


def published_catalogue(assets_dir: Path = ASSETS_DIR) -> Catalogue:
    """The newest catalogue version, checked against the published templates."""
    versions = _versions(assets_dir / "catalogue")
    if not versions:
        raise TemplateError(str(assets_dir / "catalogue"), ["no catalogue file v<N>.yaml"])
    version, path = versions[-1]
    catalogue = load_catalogue(path)
    if catalogue.version != version:
        raise TemplateError(str(path), [f"file says version {catalogue.version}, name says {version}"])
    return catalogue


def template_warnings(catalogue: Catalogue, templates: list[Template]) -> list[str]:
    """Rules asking questions no template has (almost always a typo), and problems of rules that apply to a
    template but do not fit it (a missing question beside present ones, a wrong option)."""
    problems = set(unused_questions(catalogue, templates))
    versions = template_versions(templates)
    for t in templates:
        problems.update(check_against_template(catalogue, t, versions))
    return sorted(problems)
