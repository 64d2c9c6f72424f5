import os

from hypothesis import HealthCheck, settings

# Fast by default; CI or a long local run can raise it (HYPOTHESIS_PROFILE=thorough).
settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
