"""The Lark grammars of the dump layouts (data files only: see the ``*.lark`` files)."""
