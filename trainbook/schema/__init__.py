"""Sheet and column declarations, settings parameters and notice templates."""

from trainbook.schema.columns import Choice, Column, Parameter, Sheet
from trainbook.schema.settings import PARAMETERS
from trainbook.schema.sheets import BY_KEY, SHEETS

__all__ = ["BY_KEY", "PARAMETERS", "SHEETS", "Choice", "Column", "Parameter", "Sheet"]
