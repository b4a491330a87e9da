"""scheduler: plans a street office's year of cadre training (社区点单-部门送餐)."""

__version__ = "0.1.0"
