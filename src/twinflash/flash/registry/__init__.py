"""The vehicle registry (SIV) store: schema, migrations, import, lookups, synthetic data.

from twinflash.flash.registry import Registry, import_csv
with Registry.open("sqlite:///registry.db") as reg:
    import_csv(reg, "siv.csv")
    reg.lookup("AB-123-CD")
"""

from twinflash.flash.registry.importer import ImportReport, import_csv
from twinflash.flash.registry.store import (
    DEFAULT_URL,
    ENV_URL,
    Registry,
    RegistryStats,
    VehicleRecord,
    registry_url,
)

__all__ = [
    "DEFAULT_URL",
    "ENV_URL",
    "ImportReport",
    "Registry",
    "RegistryStats",
    "VehicleRecord",
    "import_csv",
    "registry_url",
]
