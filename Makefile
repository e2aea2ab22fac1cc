# Thin wrappers around the README's commands.
.PHONY: run test ci bench
run:
	scripts/run
test:
	scripts/test
ci:
	.ci/run
bench:
	scripts/bench
