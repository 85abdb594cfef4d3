"""Every form, a module per area, over one field layer (`fields`) and one base (`base`)."""
