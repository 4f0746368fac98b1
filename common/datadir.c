/* The data directory search; see datadir.h. */
#include "common/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"

#ifndef LS_DATADIR
#define LS_DATADIR "/usr/local/share/lodestone"
#endif

#define DATADIR_LEVELS 5 /* PREFIX/bin/lodestone, build/lodestone, build/asan/tests/test_x, ... */

const char *ls_datadir_compiled(void) { return LS_DATADIR; }

static void parent_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(dir, n, ".");
    else if (slash == path) snprintf(dir, n, "/");
    else snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

/* 1 when DATA/rel is readable; dir[n] gets DATA. */
static int holds(const char *data, const char *rel, char *dir, size_t n)
{
    char path[4200];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", data, rel) >= sizeof path) return 0;
    if (access(path, R_OK) != 0) return 0;
    return (size_t)snprintf(dir, n, "%s", data) < n;
}

int ls_datadir_find(const char *rel, char *dir, size_t n, const char **how)
{
    const char *env = getenv("LODESTONE_DATA");
    if (env && *env) {
        if (holds(env, rel, dir, n)) {
            if (how) *how = "from LODESTONE_DATA";
            return LS_OK;
        }
        LS_ERROR(LS_ERR_INPUT, "%s/%s does not exist (LODESTONE_DATA is set to '%s': point it at a Lodestone data "
                 "folder, PREFIX/share/lodestone of an installation or inputs/ of a checkout, or unset it)",
                 env, rel, env);
    }
    char exe[4096] = "";
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char level[4096], data[4200], up[4096];
        parent_of(exe, level, sizeof level);
        for (int i = 0; i < DATADIR_LEVELS; i++) {
            snprintf(data, sizeof data, "%s/inputs", level);
            if (holds(data, rel, dir, n)) {
                if (how) *how = "beside the program";
                return LS_OK;
            }
            snprintf(data, sizeof data, "%s/share/lodestone", level);
            if (holds(data, rel, dir, n)) {
                if (how) *how = "beside the program";
                return LS_OK;
            }
            parent_of(level, up, sizeof up);
            if (strcmp(up, level) == 0) break;
            snprintf(level, sizeof level, "%s", up);
        }
    }
    if (holds(LS_DATADIR, rel, dir, n)) {
        if (how) *how = "compiled in";
        return LS_OK;
    }
    LS_ERROR(LS_ERR_INPUT, "%s not found: not in the data directory %s (compiled in), nor in an inputs/ or "
             "share/lodestone/ folder beside the program %s; install Lodestone with 'make install', or set "
             "LODESTONE_DATA to its data folder (PREFIX/share/lodestone, or inputs/ of a checkout)",
             rel, LS_DATADIR, len > 0 ? exe : "(unknown)");
}
