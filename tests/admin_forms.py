"""The POST data of a Django admin change page, for tests that send a page back."""


def admin_form_data(response, **changes) -> dict:
    """The POST data an admin change page would send back unchanged, plus `changes`."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple) and name in ("authors", "topics"):
            data[name] = [str(v) for v in value]
        elif hasattr(field, "widget") and field.widget.__class__.__name__ == "AdminSplitDateTime":
            # A date and a time as typed (a restored draft), or a datetime to split.
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            data[f"{name}_0"], data[f"{name}_1"] = ("" if part is None else part for part in parts)
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.formset.prefix}-{key}"] = management[key].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[inline_form.add_prefix(name)] = value
    data.update(changes)
    return data
