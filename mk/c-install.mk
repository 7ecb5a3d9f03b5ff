# Installing the C library the way C libraries install:
#
#   make install [PREFIX=/usr/local] [DESTDIR=...] [C_PROFILE=release]
#
# writes PREFIX/lib/libmcpforge.so.VERSION (soname libmcpforge.so.ABI, see ffi/build.rs) with the
# links libmcpforge.so.ABI and libmcpforge.so, PREFIX/lib/libmcpforge.a, PREFIX/include/mcpforge.h,
# PREFIX/lib/pkgconfig/mcpforge.pc and PREFIX/lib/cmake/mcpforge/, both relocatable (their paths
# are computed from where they are, so an installed tree can be moved or unpacked anywhere).
#
#   make c-install-check    installs the debug build into a scratch prefix, then runs
#                           c-consumer-check on it; part of `make test`
#   make c-consumer-check C_CHECK=DIR
#                           builds the C quickstart and tests/c/test_ffi.c against DIR/prefix only
#                           (pkg-config, CMake, and the static archive), with the build tree on no
#                           search path, and drives each build with test_ffi (no Rust toolchain
#                           needed: `make dist-check` runs it on the unpacked C tarball). The
#                           programs run without LD_LIBRARY_PATH: the pkg-config builds carry the
#                           rpath docs/c.md gives for a non-system prefix, CMake its build rpath.

.PHONY: install c-install c-install-check c-consumer-check

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
C_PROFILE ?= release
C_INSTALL_SED = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@INCLUDEDIR@|$${_mcpforge_prefix}/include|g' \
	-e 's|@LIBDIR@|$${_mcpforge_prefix}/lib|g' -e 's|@VERSION@|$(C_VERSION)|g' -e 's|@RPATH@||g' \
	-e 's|@SONAME@|$(C_SONAME)|g'

install: c-install

c-install: setup
	$(CARGO) build -j$(JOBS) $(if $(filter release,$(C_PROFILE)),--release,$(DEBUG_FEATURES)) -p mcpforge-ffi
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(LIBDIR)/cmake/mcpforge $(DESTDIR)$(INCLUDEDIR)
	install -m 755 target/$(C_PROFILE)/libmcpforge.so $(DESTDIR)$(LIBDIR)/libmcpforge.so.$(C_VERSION)
	ln -sf libmcpforge.so.$(C_VERSION) $(DESTDIR)$(LIBDIR)/$(C_SONAME)
	ln -sf $(C_SONAME) $(DESTDIR)$(LIBDIR)/libmcpforge.so
	install -m 644 target/$(C_PROFILE)/libmcpforge.a $(DESTDIR)$(LIBDIR)/libmcpforge.a
	install -m 644 include/mcpforge.h $(DESTDIR)$(INCLUDEDIR)/mcpforge.h
	sed -e 's|@PREFIX@|$${pcfiledir}/../..|g' -e 's|@INCLUDEDIR@|$${prefix}/include|g' -e 's|@LIBDIR@|$${prefix}/lib|g' \
		-e 's|@VERSION@|$(C_VERSION)|g' -e 's|@RPATH@||g' ffi/mcpforge.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/mcpforge.pc
	$(C_INSTALL_SED) ffi/cmake/mcpforgeConfig.cmake.in > $(DESTDIR)$(LIBDIR)/cmake/mcpforge/mcpforgeConfig.cmake
	$(C_INSTALL_SED) ffi/cmake/mcpforgeConfigVersion.cmake.in > $(DESTDIR)$(LIBDIR)/cmake/mcpforge/mcpforgeConfigVersion.cmake

C_CHECK ?= $(CURDIR)/target/c/install-check
c-install-check: setup
	rm -rf $(C_CHECK)
	$(MAKE) --no-print-directory c-install PREFIX=$(C_CHECK)/prefix C_PROFILE=debug
	$(MAKE) --no-print-directory c-consumer-check C_CHECK=$(C_CHECK)

# pkg-config with nothing but the installed prefix on its path, and the rpath docs/c.md gives
# for a program linked against a non-system prefix (the installed .pc carries none).
C_CHECK_PKG = PKG_CONFIG_PATH=$(C_CHECK)/prefix/lib/pkgconfig PKG_CONFIG_LIBDIR=$(C_CHECK)/prefix/lib/pkgconfig pkg-config
C_CHECK_LIBS = $$($(C_CHECK_PKG) --cflags --libs mcpforge) -Wl,-rpath,$$($(C_CHECK_PKG) --variable=libdir mcpforge)

c-consumer-check:
	@# The installed library carries its ABI name, and the consumers record it.
	readelf -d $(C_CHECK)/prefix/lib/libmcpforge.so.$(C_VERSION) | grep -q 'SONAME.*\[$(C_SONAME)\]'
	$(C_CHECK_PKG) --exists --print-errors 'mcpforge = $(C_VERSION)'
	$(CC) -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L examples/c/quickstart.c -o $(C_CHECK)/quickstart_pkgconfig \
		$(C_CHECK_LIBS)
	readelf -d $(C_CHECK)/quickstart_pkgconfig | grep -q 'NEEDED.*\[$(C_SONAME)\]'
	! readelf -d $(C_CHECK)/quickstart_pkgconfig | grep -q 'target/debug'
	$(CC) -std=c11 -Wall -Wextra -Werror tests/c/test_ffi.c -o $(C_CHECK)/test_ffi $(C_CHECK_LIBS)
	@# Both programs start from the prefix through their rpath alone.
	env -u LD_LIBRARY_PATH $(C_CHECK)/test_ffi $(C_CHECK)/quickstart_pkgconfig
	@# The static archive alone (what `pkg-config --static` lists beyond it).
	$(CC) -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L examples/c/quickstart.c -o $(C_CHECK)/quickstart_static \
		-I$(C_CHECK)/prefix/include $(C_CHECK)/prefix/lib/libmcpforge.a -lpthread -ldl -lm
	! readelf -d $(C_CHECK)/quickstart_static | grep -q 'libmcpforge'
	env -u LD_LIBRARY_PATH $(C_CHECK)/test_ffi $(C_CHECK)/quickstart_static
	@# CMake, finding the package through the prefix only.
	@if command -v cmake >/dev/null 2>&1; then \
		set -e; \
		rm -rf $(C_CHECK)/cmake_consumer; \
		cmake -S tests/c/cmake_consumer -B $(C_CHECK)/cmake_consumer -DCMAKE_PREFIX_PATH=$(C_CHECK)/prefix \
			-DCMAKE_C_COMPILER=$(CC) >/dev/null; \
		cmake --build $(C_CHECK)/cmake_consumer >/dev/null; \
		readelf -d $(C_CHECK)/cmake_consumer/cmake_consumer | grep -q 'NEEDED.*\[$(C_SONAME)\]'; \
		env -u LD_LIBRARY_PATH $(C_CHECK)/cmake_consumer/cmake_consumer; \
	else echo "c-install-check: cmake not installed: skipping the CMake consumer"; fi
	@echo "c-consumer-check: $(C_SONAME) found in the prefix; pkg-config, static and CMake consumers built against it and passed"

TEST_TARGETS += c-install-check
