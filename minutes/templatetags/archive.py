"""Template filters for reading the minutes."""

from django import template

from minutes import rendering

register = template.Library()


@register.filter
def minutes_text(text: str, decisions=None):
    """Render body text; `decisions` is an iterable of Decision rows or sentences."""
    sentences = [getattr(d, "text", d) for d in (decisions or [])]
    return rendering.render_text(text or "", sentences)


@register.filter
def minutes_inline(text: str):
    return rendering.render_inline(text or "")


@register.simple_tag(takes_context=True)
def query_add(context, name: str, value) -> str:
    """The current query string with one more value for a repeatable filter.

    Django's {% querystring %} replaces a key's values; a facet link must add to
    them (ministerie=az&ministerie=bzk) and go back to the first page.
    """
    params = context["request"].GET.copy()
    values = params.getlist(name)
    value = str(value)
    if value not in values:
        params.setlist(name, [*values, value])
    params.pop("page", None)
    return "?" + params.urlencode() if params else "?"


@register.simple_tag(takes_context=True)
def query_has(context, name: str, value) -> bool:
    return str(value) in context["request"].GET.getlist(name)


@register.simple_tag
def redaction(code: str, *, with_ground: bool = True):
    """A redaction code as a label: {% redaction code %}, see rendering.redaction_html."""
    return rendering.redaction_html(code, with_ground=with_ground)


@register.filter
def minutes_inline_marked(text: str):
    """A search headline: escaped, redaction labels, matches in <mark>."""
    return rendering.render_inline(text or "", marks=True)


@register.filter
def kind_label(kind: str) -> str:
    from minutes.models import Decision

    return dict(Decision.Kind.choices).get(kind, kind)
