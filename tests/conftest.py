"""Test set-up. Importing our package first makes HA find it, not the plugin's testing_config."""

from pathlib import Path

import custom_components
import custom_components.headroom

# The demo home (config/custom_components/headroom_sim) is a development-only integration; the
# end-to-end tests load it beside Headroom.
_DEMO = str(Path(__file__).parents[1] / "config" / "custom_components")
if _DEMO not in custom_components.__path__:
    custom_components.__path__.append(_DEMO)
