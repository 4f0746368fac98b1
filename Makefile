# Lodestone build.  `make` builds build/lodestone; `make test` runs every unit test;
# `make asan` runs them under AddressSanitizer + UndefinedBehaviorSanitizer;
# `make MPI=1` builds with mpicc; `make deps` installs the Debian packages (as root; LAMMPS=1 adds
# liblammps-dev for `make lammps`, the LAMMPS pair style, and `make test-lammps`; FUZZ=1 those of
# `make fuzz`).

CC      ?= cc
BUILD   ?= build
OPT     ?= -O3 -march=native
MPI     ?=
SANITIZE ?=

DEB_PACKAGES := pkg-config libopenblas-dev liblapacke-dev libfftw3-dev libgsl-dev libxc-dev \
                libsymspg-dev libsqlite3-dev libfyaml-dev
DEB_MPI      := openmpi-bin libopenmpi-dev
DEB_FUZZ     := clang libclang-rt-14-dev libomp-14-dev
DEB_LAMMPS   := liblammps-dev          # make lammps / test-lammps (lammps/README.md)
PKGS         := openblas lapacke fftw3 gsl libxc spglib sqlite3 libfyaml

ifneq ($(MPI),)
  CC := mpicc
  MPI_FLAGS := -DLS_HAVE_MPI=1
  OBJDIR := $(BUILD)/obj-mpi
else
  OBJDIR := $(BUILD)/obj
endif
ifneq ($(SANITIZE),)
  OPT := -O1 -g -fno-omit-frame-pointer
  SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif

# Stop early, with one line naming the packages, when a library is missing.
NO_DEPS_GOALS := deps clean help uninstall
ifeq ($(filter $(NO_DEPS_GOALS),$(MAKECMDGOALS)),)
  MISSING := $(shell for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || printf '%s ' $$p; done)
  ifneq ($(strip $(MISSING)),)
    $(error missing libraries: $(strip $(MISSING)). Install them with 'sudo make deps' or 'sudo apt-get install $(DEB_PACKAGES)')
  endif
  ifneq ($(MPI),)
    ifeq ($(shell command -v mpicc),)
      $(error MPI=1 needs mpicc: install it with 'sudo apt-get install $(DEB_MPI)')
    endif
  endif
  PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
  PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unknown-pragmas
CFLAGS  := -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) -fopenmp -I. $(PKG_CFLAGS) $(MPI_FLAGS) $(SAN_FLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lfftw3_omp -lfftw3 -lm
LDFLAGS := -fopenmp $(SAN_FLAGS) $(EXTRA_LDFLAGS)

# Library folders, with their sub-folders (dft/input, dft/pseudo, ...): every *.c but the tests.
LIB_DIRS  := common workflow dft surrogate search campaign tests capi
ALL_SRC   := $(sort $(shell find $(LIB_DIRS) -name '*.c'))
LIB_TEST_SRC := $(foreach f,$(ALL_SRC),$(if $(filter test_%,$(notdir $(f))),$(f)))
LIB_SRC   := $(filter-out $(LIB_TEST_SRC),$(ALL_SRC))
# apps/: the program; its tests (apps/test_*.c) link the program's objects but main.o (APP_LIB).
APP_ALL   := $(sort $(wildcard apps/*.c))
APP_TEST_SRC := $(filter apps/test_%,$(APP_ALL))
APP_SRC   := $(filter-out $(APP_TEST_SRC),$(APP_ALL))
TEST_SRC  := $(LIB_TEST_SRC) $(APP_TEST_SRC)
LIB_OBJ   := $(LIB_SRC:%.c=$(OBJDIR)/%.o)
APP_OBJ   := $(APP_SRC:%.c=$(OBJDIR)/%.o)
APP_LIB   := $(OBJDIR)/libapps.a
TEST_BIN  := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(TEST_SRC)))
# Python tests of validation studies (standard library; run by tools/run_tests.sh through python3, skipped without it).
PY_TESTS  := validation/acwf/test_metrics.py validation/acwf/test_acwf.py
LIB       := $(OBJDIR)/liblodestone.a
BIN       := $(BUILD)/lodestone
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The version and git revision reach only common/buildinfo.c, so a commit relinks instead of rebuilding.
VERSION_FLAGS := -DLS_VERSION='"$(VERSION)"' -DLS_GIT_REV='"$(GIT_REV)"'
REV_STAMP := $(BUILD)/rev.stamp

.PHONY: all test asan deps clean help examples check-format lammps test-lammps lib install uninstall python-test
all: $(BIN)

# Installation: make install PREFIX=/opt/lodestone [DESTDIR=/staging].  The data directory
# PREFIX/share/lodestone is compiled into common/datadir.c (LODESTONE_DATA overrides it at run time).
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
LIBDIR  := $(PREFIX)/lib
INCDIR  := $(PREFIX)/include
DATADIR := $(PREFIX)/share/lodestone
MANDIR  := $(PREFIX)/share/man/man1
DOCDIR  := $(PREFIX)/share/doc/lodestone
DATADIR_FLAGS := -DLS_DATADIR='"$(DATADIR)"'
DATADIR_STAMP := $(BUILD)/datadir.stamp
# Library versions that no header carries (FFTW, LAPACKE, spglib, libfyaml), for --version.
BUILDINFO_H := $(BUILD)/buildinfo_versions.h

# liblodestone.so: the C interface of the potentials (capi/lodestone.h) over position-independent,
# hidden-visibility objects of common/, workflow/, surrogate/ and capi/ (serial build only).
SO_SRC  := $(filter common/% workflow/% surrogate/% capi/%,$(LIB_SRC))
SO_OBJ  := $(SO_SRC:%.c=$(BUILD)/obj-pic/%.o)
SO      := $(BUILD)/liblodestone.so

# Relink when the configuration changes (MPI on/off, sanitizers, flags).
CONFIG_STAMP := $(BUILD)/config.$(if $(MPI),mpi,serial)
$(CONFIG_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@
FORCE:
$(REV_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION_FLAGS)' | cmp -s - $@ || echo '$(VERSION_FLAGS)' > $@
$(DATADIR_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATADIR_FLAGS)' | cmp -s - $@ || echo '$(DATADIR_FLAGS)' > $@
$(BUILDINFO_H): $(CONFIG_STAMP) tools/buildinfo_versions.sh
	@sh tools/buildinfo_versions.sh '$(CC)' > $@.tmp && mv $@.tmp $@
$(OBJDIR)/common/datadir.o $(BUILD)/obj-pic/common/datadir.o: OBJ_FLAGS := $(DATADIR_FLAGS)
$(OBJDIR)/common/datadir.o $(BUILD)/obj-pic/common/datadir.o: $(DATADIR_STAMP)
$(OBJDIR)/common/buildinfo.o $(BUILD)/obj-pic/common/buildinfo.o: OBJ_FLAGS := -I$(BUILD) -DLS_BUILDINFO_VERSIONS $(VERSION_FLAGS)
$(OBJDIR)/common/buildinfo.o $(BUILD)/obj-pic/common/buildinfo.o: $(BUILDINFO_H) $(REV_STAMP)

$(BIN): $(APP_OBJ) $(LIB) $(CONFIG_STAMP)
	$(CC) $(LDFLAGS) -o $@ $(APP_OBJ) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(APP_LIB): $(filter-out $(OBJDIR)/apps/main.o,$(APP_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(OBJDIR)/%.o: %.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(OBJ_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj-pic/%.o: %.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden $(OBJ_FLAGS) -MMD -MP -c $< -o $@

lib: $(SO)
$(SO): $(SO_OBJ)
	$(CC) $(LDFLAGS) -shared -Wl,--no-undefined -Wl,-soname,liblodestone.so -o $@ $(SO_OBJ) $(LDLIBS)

# Each test_*.c is one executable linked against the library (and apps/ tests against the
# program's objects too).
define TEST_RULE
$(BUILD)/tests/$(notdir $(basename $(1))): $(OBJDIR)/$(basename $(1)).o $(2) $(LIB)
	@mkdir -p $(BUILD)/tests
	$(CC) $(LDFLAGS) -o $$@ $$^ $(LDLIBS)
endef
$(foreach t,$(LIB_TEST_SRC),$(eval $(call TEST_RULE,$(t),)))
$(foreach t,$(APP_TEST_SRC),$(eval $(call TEST_RULE,$(t),$(APP_LIB))))

comma := ,
# `make test T=NAME` runs the tests named (one or several, comma- or space-separated; with or
# without the test_ prefix; * matches any text: T='cmd_eos*'), and builds only those.
ifneq ($(T),)
  T_PATTERNS := $(foreach n,$(subst $(comma), ,$(T)),$(if $(filter test_%,$(n)),$(n),test_$(n)))
  RUN_TESTS  := $(foreach f,$(TEST_BIN) $(PY_TESTS),$(if $(filter $(subst *,%,$(T_PATTERNS)),$(basename $(notdir $(f)))),$(f)))
  ifeq ($(strip $(RUN_TESTS)),)
    ifneq ($(filter test,$(MAKECMDGOALS)),)
      $(error no test matches T=$(T) (the tests: $(notdir $(TEST_BIN))))
    endif
  endif
else
  RUN_TESTS := $(TEST_BIN) $(PY_TESTS)
endif

test: $(BIN) $(filter-out %.py,$(RUN_TESTS))
	@mkdir -p $(BUILD)/tmp
	@LODESTONE_BIN=$(abspath $(BIN)) LODESTONE_TEST_TMP=$(BUILD)/tmp sh tools/run_tests.sh $(RUN_TESTS)

asan:
	LODESTONE_TEST_QUICK=1 $(MAKE) BUILD=build/asan SANITIZE=1 test

examples: $(BIN)
	@sh tools/run_examples.sh $(BIN)

# The Python package (python/) against this build: a virtual environment with the system's ASE,
# the package installed into it with pip, and its tests (python/README.md).
python-test: $(BIN) $(SO)
	@sh tools/python_test.sh $(BUILD)

install: $(BIN) $(SO)
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCDIR)' '$(DESTDIR)$(DATADIR)' \
	    '$(DESTDIR)$(MANDIR)' '$(DESTDIR)$(DOCDIR)'
	install -m 755 $(BIN) '$(DESTDIR)$(BINDIR)/lodestone'
	install -m 644 $(SO) '$(DESTDIR)$(LIBDIR)/liblodestone.so'
	install -m 644 capi/lodestone.h '$(DESTDIR)$(INCDIR)/lodestone.h'
	install -m 644 docs/lodestone.1 '$(DESTDIR)$(MANDIR)/lodestone.1'
	install -m 644 README.md '$(DESTDIR)$(DOCDIR)/README.md'
	cd inputs && find . -type d -exec install -d '$(DESTDIR)$(DATADIR)/{}' ';' && \
	    find . -type f -exec install -m 644 '{}' '$(DESTDIR)$(DATADIR)/{}' ';'
	cd examples && find . -type d -exec install -d '$(DESTDIR)$(DOCDIR)/examples/{}' ';' && \
	    find . -type f -exec install -m 644 '{}' '$(DESTDIR)$(DOCDIR)/examples/{}' ';'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/lodestone' '$(DESTDIR)$(LIBDIR)/liblodestone.so' '$(DESTDIR)$(INCDIR)/lodestone.h' \
	    '$(DESTDIR)$(MANDIR)/lodestone.1'
	rm -rf '$(DESTDIR)$(DATADIR)' '$(DESTDIR)$(DOCDIR)'

deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps installs Debian packages: run it as root (sudo make deps)"; exit 2; fi
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PACKAGES) $(if $(MPI),$(DEB_MPI)) $(if $(FUZZ),$(DEB_FUZZ))
	DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PACKAGES) $(if $(MPI),$(DEB_MPI)) $(if $(LAMMPS),$(DEB_LAMMPS) $(DEB_MPI))

clean:
	rm -rf $(BUILD)

help:
	@echo "make            build $(BIN)"
	@echo "make test       build and run the unit tests (T=NAME: only the tests named, e.g. T=md or T='cmd_*')"
	@echo "make asan       run the tests under AddressSanitizer and UBSan (build/asan)"
	@echo "make MPI=1      build with mpicc (MPI support)"
	@echo "make examples   run the examples and compare with their expected numbers"
	@echo "make lib        build $(SO), the C interface of the potentials (capi/lodestone.h)"
	@echo "make install    install into PREFIX (default /usr/local; DESTDIR for staging)"
	@echo "make python-test  install python/ into a virtual environment and run its tests"
	@echo "make deps       install the Debian packages (root)"
	@echo "make fuzz       build the fuzz harnesses (clang, libFuzzer) and run each for FUZZ_SECONDS (fuzz/README.md)"

# Fuzzing: `make fuzz [FUZZ_SECONDS=60]` (fuzz/README.md).
include fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(APP_OBJ:.o=.d) $(TEST_SRC:%.c=$(OBJDIR)/%.d) $(SO_OBJ:.o=.d)

# LAMMPS with pair_style lodestone (lammps/README.md); needs liblammps-dev and libopenmpi-dev.
lammps: $(LIB)
	lammps/build.sh $(BUILD) $(LIB) "$(LDLIBS) $(LDFLAGS)"
test-lammps: lammps $(BIN)
	@mkdir -p $(BUILD)/tmp
	BUILD=$(abspath $(BUILD)) lammps/test_lammps.sh

# Active-learning learning curves (validation/mlearn-magnetic/README.md).
$(BUILD)/learning_curve: validation/mlearn-magnetic/learning_curve.c $(LIB)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)
