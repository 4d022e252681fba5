# Installing like a C library: static and shared library, header,
# pkg-config file, the command, its man pages and bash completion.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=staging-dir]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=staging-dir]
#   make shared    just the shared library, in $(BUILD)/
#
# The directories follow the usual names and may each be overridden:
# BINDIR, LIBDIR, INCLUDEDIR, MANDIR, PKGCONFIGDIR, BASHCOMPDIR.

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATAROOTDIR  ?= $(PREFIX)/share
MANDIR       ?= $(DATAROOTDIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR  ?= $(DATAROOTDIR)/bash-completion/completions
INSTALL      ?= install
# Refreshes the run-time linker's cache after a real (not staged) install
# as root, so programs linked with -lbackprop find the new library at once.
LDCONFIG     ?= ldconfig

# The library's version is the header's BP_VERSION; the soname carries the
# major number only, so compatible releases replace each other in place.
SHLIB_VERSION := $(shell sed -n 's/^.define BP_VERSION "\([0-9.]*\)".*/\1/p' include/backprop.h)
SHLIB_MAJOR   := $(firstword $(subst ., ,$(SHLIB_VERSION)))
SHLIB_SONAME   = libbackprop.so.$(SHLIB_MAJOR)
SHLIB_REAL     = libbackprop.so.$(SHLIB_VERSION)
SHLIB          = $(BUILD)/$(SHLIB_REAL)
# A shared library needs position-independent code: its own objects.
PIC_OBJ        = $(LIB_SRC:src/%.c=$(BUILD)/pic/%.o)
# Only the functions the public header declares are exported; the rest
# stay internal so programs cannot come to depend on them.
SHLIB_EXPORTS  = $(BUILD)/backprop.map
PC_FILE        = $(BUILD)/backprop.pc
PC_CFLAGS      = $(if $(filter float,$(REAL)),-DBP_REAL_FLOAT)
# Paths under the prefix are written relative to it, so that the file
# follows a relocated tree (pkg-config --define-prefix).
PC_LIBDIR      = $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR  = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
# Under the sanitizers the runtime resolves symbols at load time.
SHLIB_DEFS     = $(if $(SAN),,-Wl,--no-undefined)

.PHONY: shared install uninstall FORCE

shared: $(SHLIB)

$(BUILD)/pic/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -fPIC -c $< -o $@

$(BUILD)/pic:
	mkdir -p $@

# Comments are stripped first so a function named in a comment is not taken
# for a declaration.
$(SHLIB_EXPORTS): include/backprop.h | $(BUILD)/pic
	{ echo '{ global:'; \
	  perl -0777 -pe 's{/\*.*?\*/}{}gs' include/backprop.h | \
	    grep -oE '\bbp_[a-z0-9_]+\(' | tr -d '(' | sort -u | sed 's/.*/    &;/'; \
	  echo '  local: *; };'; } >$@.tmp && mv $@.tmp $@

$(SHLIB): $(PIC_OBJ) $(SHLIB_EXPORTS)
	$(CC) -shared -Wl,-soname,$(SHLIB_SONAME) -Wl,--version-script,$(SHLIB_EXPORTS) \
	    $(SHLIB_DEFS) $(LDFLAGS_ALL) $(PIC_OBJ) $(LDLIBS_ALL) -o $@

# Regenerated on every install: PREFIX may differ from the last one.
$(PC_FILE): backprop.pc.in FORCE | $(BUILD)/pic
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(SHLIB_VERSION)|g' \
	    -e 's|@CFLAGS@|$(PC_CFLAGS)|g' -e 's| *$$||' backprop.pc.in >$@

FORCE:

install: $(LIB) $(CLI) $(SHLIB) $(PC_FILE)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 755 $(CLI) $(DESTDIR)$(BINDIR)/backprop
	$(INSTALL) -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libbackprop.a
	$(INSTALL) -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(SHLIB_REAL)
	ln -sf $(SHLIB_REAL) $(DESTDIR)$(LIBDIR)/$(SHLIB_SONAME)
	ln -sf $(SHLIB_REAL) $(DESTDIR)$(LIBDIR)/libbackprop.so
	$(INSTALL) -m 644 include/backprop.h $(DESTDIR)$(INCLUDEDIR)/backprop.h
	$(INSTALL) -m 644 $(PC_FILE) $(DESTDIR)$(PKGCONFIGDIR)/backprop.pc
	$(INSTALL) -m 644 man/backprop.1 $(DESTDIR)$(MANDIR)/man1/backprop.1
	$(INSTALL) -m 644 man/backprop.3 $(DESTDIR)$(MANDIR)/man3/backprop.3
	$(INSTALL) -m 644 completion/backprop.bash $(DESTDIR)$(BASHCOMPDIR)/backprop
	@if [ -z "$(DESTDIR)" ] && [ -n "$(LDCONFIG)" ] && [ "$$(id -u)" = 0 ]; then \
	    $(LDCONFIG) 2>/dev/null || true; fi

# Exactly the files install creates; directories are left, as they may
# have existed before.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/backprop \
	    $(DESTDIR)$(LIBDIR)/libbackprop.a \
	    $(DESTDIR)$(LIBDIR)/$(SHLIB_REAL) \
	    $(DESTDIR)$(LIBDIR)/$(SHLIB_SONAME) \
	    $(DESTDIR)$(LIBDIR)/libbackprop.so \
	    $(DESTDIR)$(INCLUDEDIR)/backprop.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/backprop.pc \
	    $(DESTDIR)$(MANDIR)/man1/backprop.1 \
	    $(DESTDIR)$(MANDIR)/man3/backprop.3 \
	    $(DESTDIR)$(BASHCOMPDIR)/backprop
