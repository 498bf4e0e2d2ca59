"""The identifiers auditor's SARIF files carry; shared by the writer and the merger.

Kept apart from sarif.py so that merging never imports sarif-om.
"""

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "auditor"
FINGERPRINT_KEY = "auditor/v1"
