"""The testing kit for hosts and plugin authors (install the ``testing`` extra).

- :mod:`crmcore.testing.strategies`: hypothesis strategies for every public model;
- :mod:`crmcore.testing.contracts`: pytest contract suites a repository adapter subclasses;
- :mod:`crmcore.testing.stateful`: compares any repository with the reference implementation
  under random sequences of operations.

Only this package imports hypothesis and pytest; ``import crmcore`` never does.
"""
