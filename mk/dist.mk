# Release artifacts, built once into target/dist/, and their check on this machine:
#
#   make dist         every artifact:
#                       python/  an abi3 wheel for manylinux2014 (glibc 2.17; maturin with zig as
#                                the linker, no container) and the sdist
#                       npm/     the main package `mcpforge` and this platform's addon package,
#                                as directories, and both packed (.tgz) in target/dist
#                       the C library installed under a relocatable prefix, as a tarball
#                       the Rust crate `mcpforge` (cargo package, which builds it from the
#                                packaged sources)
#   make dist-check   installs each artifact in a scratch directory with no Rust toolchain on
#                     PATH and drives it (scripts/dist-check.sh); the sdist is built by pip in a
#                     fresh virtualenv (that step needs the toolchain)
#
# The release workflow (.github/workflows/release.yml) runs these same targets on every
# platform of the matrix.

DIST := target/dist
DIST_TOOLS := target/dist-tools/venv
DIST_PLATFORM = $(NODE_PLATFORM)
DIST_C_TARBALL = $(DIST)/mcpforge-c-$(C_VERSION)-$(DIST_PLATFORM).tar.gz

.PHONY: dist dist-setup dist-python dist-node dist-c dist-rust dist-check

dist: dist-python dist-node dist-c dist-rust
	@echo "dist: artifacts in $(DIST):" && cd $(DIST) && ls -l *.whl *.tar.gz *.tgz *.crate 2>/dev/null | awk '{ print "  " $$5 "\t" $$9 }'

dist-setup:
	@./scripts/setup-dist.sh

dist-python: setup dist-setup
	@mkdir -p $(DIST) && rm -f $(DIST)/mcpforge-*.whl $(DIST)/mcpforge-$(C_VERSION).tar.gz
	PATH=$(CURDIR)/$(DIST_TOOLS)/bin:$$PATH $(DIST_TOOLS)/bin/maturin build -q --profile bindings --zig --compatibility manylinux2014 \
		-m bindings-python/Cargo.toml -i $(DIST_TOOLS)/bin/python --out $(DIST) --strip -j$(JOBS)
	$(DIST_TOOLS)/bin/maturin sdist -m bindings-python/Cargo.toml --out $(DIST)

dist-node: setup node-setup
	$(MAKE) --no-print-directory node-addon NODE_PROFILE=bindings
	@rm -rf $(DIST)/npm && mkdir -p $(DIST)/npm && rm -f $(DIST)/mcpforge-*.tgz
	node bindings-node/scripts/main-package.mjs $(DIST)/npm >/dev/null
	node bindings-node/scripts/platform-package.mjs $(NODE_ADDON) $(DIST)/npm >/dev/null
	cd $(DIST)/npm/mcpforge && npm pack --silent --pack-destination $(CURDIR)/$(DIST) >/dev/null
	cd $(DIST)/npm/mcpforge-$(NODE_PLATFORM) && npm pack --silent --pack-destination $(CURDIR)/$(DIST) >/dev/null

dist-c: setup
	@rm -rf $(DIST)/c-stage && mkdir -p $(DIST)
	$(MAKE) --no-print-directory c-install PREFIX=/usr/local DESTDIR=$(CURDIR)/$(DIST)/c-stage C_PROFILE=release
	tar -C $(DIST)/c-stage/usr/local -czf $(DIST_C_TARBALL) include lib
	@rm -rf $(DIST)/c-stage

dist-rust: setup
	@# --allow-dirty: a working tree with local changes still packages (a release builds from a tag).
	$(CARGO) package -j$(JOBS) --allow-dirty -p mcpforge
	@mkdir -p $(DIST) && cp target/package/mcpforge-$(C_VERSION).crate $(DIST)/

dist-check: dist-setup
	./scripts/dist-check.sh
