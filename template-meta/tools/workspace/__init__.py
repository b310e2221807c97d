"""The meta-repo's workspace tool: bootstrap, run, inspect and update every service repo."""
