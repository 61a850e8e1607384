"""youthdrugs_gui: a desktop explorer of data on children's drug offences in England and Wales."""
__version__ = "0.1.0"
APP_NAME = "Youth Drug Offences Explorer"
