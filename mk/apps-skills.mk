# MCP Apps and skills in four languages (docs/apps-skills.md): the official Python client
# lists the tools of the Rust, C, Python and Node conformance fixtures over stdio, on both
# wires, reads the app its tool links to, lists and gets the skills and reads their files
# (tests/apps_skills).

.PHONY: apps-skills-e2e

apps-skills-e2e: build $(CONFORMANCE_DEPS)
	$(PYTEST) tests/apps_skills

TEST_TARGETS += apps-skills-e2e
