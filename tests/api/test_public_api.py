import subprocess
import sys

import matcher


def test_every_public_name_resolves_to_a_real_object():
    for name in matcher.__all__:
        assert getattr(matcher, name) is not None, name


def test_importing_the_package_loads_no_heavy_library():
    code = (
        "import sys, matcher, matcher.load; "
        "print(sorted(m for m in ('sklearn', 'sqlalchemy', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_matcher_never_imports_streamlit():
    code = (
        "import sys, matcher.rank, matcher.store, matcher.tagger, matcher.allocate, matcher.evaluate; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
