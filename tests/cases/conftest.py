from tests.cases.helpers import frozen

__all__ = ["frozen"]
