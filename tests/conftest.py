"""Test set-up. Importing our package first makes HA find it, not the plugin's testing_config."""

import custom_components.headroom  # noqa: F401  (must come before the HA plugin mounts its own)
