"""The decisions of one cycle, free of Home Assistant: readings -> Problem, plan + readings ->
setpoints, the fast fuse cut, and the timeline. The integration and the simulator both call
these same functions; see docs/architecture.md."""
