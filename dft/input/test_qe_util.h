/* Helpers for the tests of the pw.x reader (dft/input/test_input_qe*.c): scratch inputs whose
 * "@LIB@" stands for the absolute path of inputs/pseudo/pd04-pbe-sr (tests run from the
 * project root), read with dft_params_read_qe. */
#ifndef LS_TEST_QE_UTIL_H
#define LS_TEST_QE_UTIL_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/test.h"
#include "dft/dft.h"

static char g_lib_pseudo[PATH_MAX]; /* absolute inputs/pseudo/pd04-pbe-sr */

/* Set g_lib_pseudo and make the scratch folder; 0, or 1 when not run from the project root. */
static inline int qe_test_init(const char *name)
{
    if (!realpath("inputs/pseudo/pd04-pbe-sr", g_lib_pseudo)) {
        fprintf(stderr, "%s: run from the project root\n", name);
        return 1;
    }
    char tmp[1024];
    ls_test_tmp_path(tmp, sizeof tmp, "");
    mkdir(tmp, 0755); /* build/tmp when run on its own */
    return 0;
}

/* Scratch file NAME with every "@LIB@" replaced by g_lib_pseudo; its path into path[n]. */
static inline const char *scratch(const char *name, const char *text, char *path, size_t n)
{
    ls_test_tmp_path(path, n, name);
    size_t n_lib = 0, used = 0;
    for (const char *q = text; (q = strstr(q, "@LIB@")) != NULL; q++) n_lib++;
    size_t cap = strlen(text) + n_lib * strlen(g_lib_pseudo) + 1;
    char *buf = malloc(cap);
    if (!buf) exit(1);
    const char *p = text, *hit;
    buf[0] = '\0';
    while ((hit = strstr(p, "@LIB@")) != NULL) {
        used += (size_t)snprintf(buf + used, cap - used, "%.*s%s", (int)(hit - p), p, g_lib_pseudo);
        p = hit + strlen("@LIB@");
    }
    snprintf(buf + used, cap - used, "%s", p);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fputs(buf, f);
    fclose(f);
    free(buf);
    return path;
}

/* The relaxation request of the last read_text (the reader gives it beside the parameters). */
static struct dft_relax_request g_req;

/* Write text to NAME and read it as a pw.x input into p (initialised here), its relaxation
 * request into g_req. */
static inline int read_text(const char *name, const char *text, dft_params *p, char *path, size_t n)
{
    scratch(name, text, path, n);
    dft_params_init(p);
    return dft_params_read_qe_relax(path, p, &g_req);
}

#endif
