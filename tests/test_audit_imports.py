"""What `ceremony audit` loads: only what its checks use, so that auditing a kit starts fast. The
PDF re-rendering loads reportlab when it runs; the heavy packages below are never needed."""

from __future__ import annotations

import subprocess
import sys

import pytest

NEVER_LOADED = (
    "packaging",  # parsing the dependency lock (preflight only)
    "ceremony.workflows.lifecycle",  # the lifecycle ceremonies (a custody log loads its module)
    "ceremony.workflows.ceremony",
    "ceremony.workflows.split",
    "ceremony.workflows.readback",
    "ceremony.workflows.recovery.run",
    "ceremony.workflows.recovery.unlock",
    "reportlab",
    "chiavdf",
    "gmpy2",
)


def loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_importing_the_audit_loads_none_of_the_heavy_modules() -> None:
    loaded = loaded_after("import ceremony.workflows.audit")
    assert not [name for name in NEVER_LOADED if name in loaded]


def test_the_recovery_package_names_load_on_first_use() -> None:
    code = (
        "from ceremony.workflows.recovery import chain_sha256\n"
        "from ceremony.workflows.recovery import Status\n"
        "from ceremony.workflows.recovery import status\n"
        "assert callable(status) and not isinstance(status, type(sys)), status\n"
        "import ceremony.workflows.recovery as package\n"
        "assert all(getattr(package, name) is not None for name in package.__all__)"
    )
    loaded = loaded_after(code)
    assert "ceremony.workflows.recovery.status" in loaded


def test_a_name_the_recovery_package_lacks_is_an_attribute_error() -> None:
    import ceremony.workflows.recovery as package

    with pytest.raises(AttributeError, match="nothing_here"):
        package.__getattr__("nothing_here")


def test_the_proofs_start_before_the_audit_is_imported() -> None:
    """`run_audit` starts the sessions' proofs first: the module that does it loads the VDF core
    and none of the audit's own modules, which then load while the proofs are checked."""
    loaded = loaded_after("import ceremony.workflows.proof_prefetch")
    assert "ceremony.core.vdf" in loaded
    assert not [name for name in loaded if name.startswith("ceremony.workflows.audit")]
    assert not [name for name in loaded if name.startswith(("ceremony.paper", "reportlab"))]
