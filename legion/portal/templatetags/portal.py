"""Template tags for portal pages: GOV.UK-style form fields and the error summary."""

from django import forms, template

from legion.portal.forms import DatePartsWidget

register = template.Library()

FIELD_TEMPLATES = (
    (DatePartsWidget, "portal/fields/date.html"),
    (forms.RadioSelect, "portal/fields/radios.html"),
    (forms.CheckboxInput, "portal/fields/checkbox.html"),
    (forms.ClearableFileInput, "portal/fields/file.html"),
    (forms.FileInput, "portal/fields/file.html"),
    (forms.Textarea, "portal/fields/textarea.html"),
    (forms.Select, "portal/fields/select.html"),
    (forms.widgets.Input, "portal/fields/input.html"),
)
# Widgets whose first focusable element is the first of several inputs.
GROUPED = (DatePartsWidget, forms.RadioSelect)


def field_anchor(bound: forms.BoundField) -> str:
    """The id of the element an error summary link should move focus to."""
    widget = bound.field.widget
    if isinstance(widget, DatePartsWidget):
        return f"{bound.auto_id}_{widget.first_index()}"
    return f"{bound.auto_id}_0" if isinstance(widget, GROUPED) else bound.auto_id


def _template_for(widget: forms.Widget) -> str:
    for widget_class, name in FIELD_TEMPLATES:
        if isinstance(widget, widget_class):
            return name
    raise TypeError(f"No portal template for {type(widget).__name__}")


def _default_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.FileInput):
        return "file-upload"
    return "input"


@register.simple_tag(takes_context=True)
def field(context, bound: forms.BoundField, *, heading: bool = False, label=None, hint=None):
    """Render one form field: label (or legend), hint, error message and input, with
    aria-describedby tying them together. `heading` makes the label the page's h1."""
    widget = bound.field.widget
    error = bound.errors[0] if bound.errors else ""
    hint = bound.help_text if hint is None else hint
    hint_id = f"{bound.auto_id}-hint" if hint else ""
    error_id = f"{bound.auto_id}-error" if error else ""
    describedby = " ".join(i for i in (hint_id, error_id) if i)
    attrs = {}
    if not isinstance(widget, GROUPED):
        css = widget.attrs.get("class") or _default_class(widget)
        if error:
            css = f"{css} {css.split()[0]}--error"
            attrs["aria-invalid"] = "true"
        attrs["class"] = css
        if isinstance(widget, forms.Textarea) or getattr(widget, "input_type", "") == "text":
            # Names and answers in Arabic or Hebrew are shown in their own direction.
            attrs["dir"] = "auto"
        if describedby:
            attrs["aria-describedby"] = describedby
    tpl = context.template.engine.get_template(_template_for(widget))
    return tpl.render(
        template.Context(
            {
                "field": bound,
                "label": bound.label if label is None else label,
                "hint": hint,
                "hint_id": hint_id,
                "error": error,
                "error_id": error_id,
                "describedby": describedby,
                "heading": heading,
                "widget_html": "" if isinstance(widget, GROUPED) else bound.as_widget(attrs=attrs),
                "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
            },
            autoescape=context.autoescape,
        )
    )


@register.inclusion_tag("portal/includes/error_summary.html")
def error_summary(*forms_with_errors):
    """The box at the top of a page listing every error, each linking to its field."""
    items = []
    for form in forms_with_errors:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            items.append(("", message))
        # In the order of the page, whichever check found the error.
        for name in [n for n in form.fields if n in form.errors]:
            bound = form[name]
            items.extend((f"#{field_anchor(bound)}", m) for m in form.errors[name])
    return {"items": items}
