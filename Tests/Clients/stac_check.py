"""Validates a STAC Item with PyPI's stac-validator, offline: every schema it needs is mapped to a local copy
(STAC 1.0.0 core and GeoJSON as PyPI's pystac 1.10.1 ships them; the projection and raster extensions v1.1.0 from
stac-extensions' repositories, Apache 2.0, in stac-extensions/ beside this script). A schema not mapped would be
fetched from the network, which the tests do not have: it then fails, it is never skipped.

Prints stac-validator's message (JSON) and exits 0 when the Item is valid, core and extensions.
usage: python stac_check.py ITEM.json
"""
import json
import os
import sys

import pystac.validation.jsonschemas as bundled
from stac_validator.validate import StacValidate

core = os.path.join(os.path.dirname(bundled.__file__), "stac-spec", "v1.0.0")
geojson = os.path.join(os.path.dirname(bundled.__file__), "geojson")
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stac-extensions")
schema_map = {f"https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/{name}": os.path.join(core, name)
              for name in ["item.json", "basics.json", "datetime.json", "instrument.json", "licensing.json", "provider.json"]}
schema_map.update({
    "https://geojson.org/schema/Feature.json": os.path.join(geojson, "Feature.json"),
    "https://geojson.org/schema/Geometry.json": os.path.join(geojson, "Geometry.json"),
    "https://stac-extensions.github.io/projection/v1.1.0/schema.json": os.path.join(here, "projection-v1.1.0.json"),
    "https://stac-extensions.github.io/raster/v1.1.0/schema.json": os.path.join(here, "raster-v1.1.0.json"),
})
validator = StacValidate(sys.argv[1], schema_map=schema_map)
valid = validator.run()
print(json.dumps(validator.message))
sys.exit(0 if valid else 1)
