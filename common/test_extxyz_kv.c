/* Tests of the extended-XYZ comment line (common/extxyz_kv.c and its use in common/extxyz.c)
 * against issue 12's bad-input sweep: a key given twice was read with the last value winning
 * (energy=-1 energy=-2), and a comment line of 20,000 keys took quadratic time (each key looked up
 * among those before it).  Now a key twice is an error naming the line, and long lines read in
 * O(n log n): the 20,000-key line below takes milliseconds (measured before and after in the
 * issue's report, not timed here). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/io.h"
#include "common/test.h"
#include "common/units.h"

static char g_dir[1024];

/* NAME in the test's scratch folder, holding text. */
static const char *write_file(const char *name, const char *text)
{
    const char *path = ls_test_in_dir(g_dir, name);
    ls_test_write_file(path, text);
    return path;
}

static void expect_error(const char *name, const char *text, const char *what)
{
    ls_structure_list *list = NULL;
    const char *path = write_file(name, text);
    LS_CHECK(ls_structures_read(path, LS_FORMAT_EXTXYZ, &list) == LS_ERR_INPUT && list == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), what) != NULL, "%s: '%s' lacks '%s'", name, ls_error_message(), what);
    ls_structure_list_destroy(list);
}

static void test_key_twice(void)
{
    expect_error("energy_twice.xyz", "1\nenergy=-1.5 pbc=\"F F F\" energy=-2.5\nH 0 0 0\n",
                 "energy_twice.xyz:2: the comment line gives the key 'energy' twice (entries 1 and 3)");
    expect_error("lattice_case.xyz", "1\nLattice=\"3 0 0 0 3 0 0 0 3\" lattice=\"4 0 0 0 4 0 0 0 4\"\nH 0 0 0\n",
                 "key 'lattice' twice");
    expect_error("info_twice.xyz", "1\nconfig_type=a x=1 config_type=b\nH 0 0 0\n", "key 'config_type' twice");
    expect_error("column_twice.xyz", "1\nProperties=species:S:1:pos:R:3:q:R:1:q:R:1\nH 0 0 0 1 2\n",
                 "lists the column 'q' twice");
    /* Keys that differ only in case are different keys (ASE's reading), but for the three it folds. */
    ls_structure_list *list = NULL;
    LS_CHECK_OK(ls_structures_read(write_file("case.xyz", "1\nenergy=-1.5 Energy=3\nH 0 0 0\n"), LS_FORMAT_EXTXYZ, &list));
    LS_CHECK(list && list->items[0]->has_energy && fabs(list->items[0]->energy + 1.5 * LS_EV_HARTREE) < 1e-15);
    ls_structure_list_destroy(list);
}

/* 20,000 distinct keys read, every one kept in order; one repeated at the end is found. */
static void test_many_keys(void)
{
    enum { N = 20000 };
    size_t cap = (size_t)N * 24 + 100;
    char *text = malloc(cap);
    if (text == NULL) return;
    size_t used = (size_t)snprintf(text, cap, "1\n");
    for (int i = 0; i < N; i++) used += (size_t)snprintf(text + used, cap - used, "k%d=%d ", i, i);
    snprintf(text + used, cap - used, "\nH 0 0 0\n");
    ls_structure_list *list = NULL;
    LS_CHECK_OK(ls_structures_read(write_file("many.xyz", text), LS_FORMAT_EXTXYZ, &list));
    if (list) {
        const ls_structure *s = list->items[0];
        LS_CHECK(s->n_info == N);
        LS_CHECK(s->n_info == N && strcmp(s->info[N - 1].key, "k19999") == 0 && strcmp(s->info[7].value, "7") == 0);
    }
    ls_structure_list_destroy(list);
    list = NULL;
    snprintf(text + used, cap - used, "k0=again\nH 0 0 0\n");
    LS_CHECK(ls_structures_read(write_file("many_twice.xyz", text), LS_FORMAT_EXTXYZ, &list) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "many_twice.xyz:2: the comment line gives the key 'k0' twice (entries 1 and "
                        "20001)") != NULL, "%s", ls_error_message());
    free(text);
}

/* "a=b=c=..." joins into one value (ASE), also for a chain of 10,000 signs, in linear time. */
static void test_long_chain(void)
{
    enum { N = 10000 };
    char *text = malloc(4 * N + 64);
    if (text == NULL) return;
    size_t used = (size_t)sprintf(text, "1\nchain");
    for (int i = 0; i < N; i++) used += (size_t)sprintf(text + used, "=x");
    sprintf(text + used, " tail=1\nH 0 0 0\n");
    ls_structure_list *list = NULL;
    LS_CHECK_OK(ls_structures_read(write_file("chain.xyz", text), LS_FORMAT_EXTXYZ, &list));
    if (list) {
        const char *v = ls_structure_info_get(list->items[0], "chain");
        LS_CHECK(v && strlen(v) == 2 * N - 1 && strncmp(v, "x=x=x", 5) == 0);
        LS_CHECK(ls_structure_info_get(list->items[0], "tail") && strcmp(ls_structure_info_get(list->items[0], "tail"), "1") == 0);
    }
    ls_structure_list_destroy(list);
    free(text);
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_extxyz_kv");
    LS_RUN(test_key_twice);
    LS_RUN(test_many_keys);
    LS_RUN(test_long_chain);
    return ls_test_summary("test_extxyz_kv");
}
