"""The only Jinja a form template may use, and the environment it runs in.

A form template is a file an administrator uploads: its text is code that Jinja runs on the
server whenever staff print that form. So it runs in Jinja's sandbox, narrowed further:

- a name is one of the documented fields (documents.context.KNOWN) or a loop variable;
- a dot or a subscript reads a field's sub-field (a key of our own dicts) or an item of a
  list, never a Python attribute: ``''.__class__`` reads nothing;
- nothing can be called, and no global exists (no ``range``, ``lipsum``, ``cycler``,
  ``joiner``, ``namespace``, ``dict``);
- only the filters and tests listed below exist;
- the tags are ``if``, ``for`` and docxtpl's paragraph/row/cell forms of them; no macro,
  include, import, extends, block, set, with, filter block or call block.

A template that uses anything else is refused on upload and preview with the reason
(`check_source`); the runtime environment enforces the same rules again, so a template
stored before this check, or a construct the check missed, still reads only fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: The filters a template may use, each documented in the field list shown to administrators.
FILTERS = ("upper", "lower", "capitalize", "title", "trim", "default", "length", "first", "last", "join")
#: The tests a template may use in ``{% if %}``.
TESTS = ("defined", "undefined", "none", "number", "string", "eq", "ne", "lt", "le", "gt", "ge")

#: Node types a template may contain. Everything else (Call, Macro, Include, Import,
#: Extends, Block, Assign, With, FilterBlock, CallBlock, Slice…) is refused.
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Filter,
    nodes.Test,
    nodes.If,
    nodes.For,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
    nodes.Tuple,
    nodes.List,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
)


class TemplateRefused(ValueError):
    """A construct a form template may not use; the message says which, in Vietnamese."""


def _refuse_node(node: nodes.Node) -> str | None:
    if not isinstance(node, _ALLOWED_NODES):
        if isinstance(node, nodes.Call):
            return _("gọi hàm hoặc phương thức (dấu ngoặc sau tên)")
        return _("lệnh Jinja không được phép ({__name__})").format(__name__=type(node).__name__)
    # ``self`` is Jinja's reference to the template itself (its blocks): never a field.
    if isinstance(node, nodes.Name) and (node.name.startswith("_") or node.name == "self"):
        return _("tên {name}").format(name=node.name)
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return _("thuộc tính {attr}").format(attr=node.attr)
    if isinstance(node, nodes.Getitem):
        arg = node.arg
        if not isinstance(arg, nodes.Const) or (isinstance(arg.value, str) and arg.value.startswith("_")):
            return _("chỉ số không phải hằng")
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return _("bộ lọc {name}").format(name=node.name)
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        return _("phép thử {name}").format(name=node.name)
    if isinstance(node, nodes.For) and node.recursive:
        return _("vòng lặp đệ quy")
    return None


def check_source(tree: nodes.Template) -> None:
    """Raise TemplateRefused naming the first construct outside the allowed list."""
    for node in tree.find_all(nodes.Node):
        reason = _refuse_node(node)
        if reason is not None:
            lineno = getattr(node, "lineno", None)
            raise TemplateRefused(
                _("Mẫu dùng {reason}, điều mẫu giấy tờ không được phép").format(reason=reason)
                + (_(" (đoạn {lineno})").format(lineno=lineno) if lineno else "")
                + _(". Mẫu chỉ được dùng các trường trong danh sách, {% if %}, {% for %} và các bộ lọc: ")
                + ", ".join(FILTERS)
                + "."
            )


class FormEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with no globals, no calls, and dots that read keys only.
    Every source it compiles (docxtpl's body, headers, footers, footnotes, properties) and
    every source docxtpl's variable listing parses is checked by `check_source` first."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals = {}
        self.filters = {name: self.filters[name] for name in FILTERS}
        self.tests = {name: self.tests[name] for name in TESTS}

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._field(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, int) and isinstance(obj, Sequence) and not isinstance(obj, str | bytes):
            try:
                return obj[argument]
            except IndexError:
                return self.undefined(obj=obj, name=str(argument))
        if isinstance(argument, str):
            return self._field(obj, argument)
        return self.undefined(obj=obj, name=str(argument))

    def _field(self, obj: Any, name: str) -> Any:
        if isinstance(obj, Mapping) and not name.startswith("_"):
            try:
                return obj[name]  # our Fields answer a missing key with the dotted blank
            except KeyError:
                pass
        return self.undefined(obj=obj, name=name)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        check_source(tree)
        return tree

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("a form template cannot call anything")


def form_environment() -> FormEnvironment:
    # autoescape: a name with "<" or "&" stays text, it does not break the document's XML.
    return FormEnvironment(autoescape=True)
