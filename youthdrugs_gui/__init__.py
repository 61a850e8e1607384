"""youthdrugs_gui: a desktop explorer of data on children's drug offences in England and Wales."""
import os

__version__ = "0.1.0"
APP_NAME = "Youth Drug Offences Explorer"

# Arrow's buffers (files read, columns compared) come from the system's allocator, which gives memory
# back once it is freed: with Arrow's own, a file opened while another is still shown held both files'
# peaks (20-70 MB more at five million rows). Set before Arrow is first loaded; a user's choice stands.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
