/* Tests of common/textio.c's guards against inputs that never end or claim more than they hold
 * (issue 12's bad-input sweep: `lodestone info /dev/zero` never returned; an extended XYZ that
 * announced 2e9 atoms allocated for them before reading a line), and of ls_find_duplicate. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/err.h"
#include "common/io.h"
#include "common/test.h"
#include "common/textio.h"

static char g_dir[1024];

/* NAME in the test's scratch folder, holding text. */
static const char *write_file(const char *name, const char *text)
{
    const char *path = ls_test_in_dir(g_dir, name);
    ls_test_write_file(path, text);
    return path;
}

/* A device or a directory is refused at once (LS_ERR_IO, exit 2), by every reader. */
static void test_devices_refused(void)
{
    ls_text_reader *r = NULL;
    LS_CHECK(ls_text_open("/dev/zero", &r) == LS_ERR_IO && r == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "'/dev/zero': it is a character device") != NULL, "%s", ls_error_message());
    char *text = NULL;
    LS_CHECK(ls_file_read_all("/dev/zero", &text, NULL) == LS_ERR_IO && text == NULL);
    LS_CHECK(ls_file_read_all("/dev/urandom", &text, NULL) == LS_ERR_IO && text == NULL);
    LS_CHECK(ls_text_open(g_dir, &r) == LS_ERR_IO);
    LS_CHECK_MSG(strstr(ls_error_message(), "a directory") != NULL, "%s", ls_error_message());
    /* Through the structure readers (what `lodestone info /dev/zero --format xyz` calls). */
    static const enum ls_format formats[] = {LS_FORMAT_EXTXYZ, LS_FORMAT_POSCAR, LS_FORMAT_XSF, LS_FORMAT_CIF};
    for (int i = 0; i < 4; i++) {
        ls_structure_list *list = NULL;
        LS_CHECK(ls_structures_read("/dev/zero", formats[i], &list) == LS_ERR_IO && list == NULL);
    }
    ls_error_clear();
}

/* A line longer than LS_TEXT_LINE_MAX is an error naming the line (a sparse file: no disk used). */
static void test_long_line(void)
{
    const char *path = ls_test_in_dir(g_dir, "long_line.xyz");
    FILE *fp = fopen(path, "w");
    if (fp == NULL) return;
    fputs("1\n", fp);
    fseek(fp, LS_TEXT_LINE_MAX + 10, SEEK_SET);
    fputs("x\n", fp);
    fclose(fp);
    ls_text_reader *r = NULL;
    LS_CHECK_OK(ls_text_open(path, &r));
    char *line = NULL;
    LS_CHECK_OK(ls_text_next(r, &line));
    LS_CHECK(line != NULL && strcmp(line, "1") == 0);
    LS_CHECK(ls_text_next(r, &line) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "long_line.xyz:2: a line longer than 64 MB") != NULL, "%s",
                 ls_error_message());
    ls_text_close(r);
    remove(path);
}

/* Counts that the rest of the file cannot hold are refused before anything is allocated. */
static void test_counts_beyond_the_file(void)
{
    ls_structure_list *list = NULL;
    const char *xyz = write_file("huge.xyz", "2000000000\nLattice=\"5 0 0 0 5 0 0 0 5\"\nSi 0 0 0\n");
    LS_CHECK(ls_structures_read(xyz, LS_FORMAT_EXTXYZ, &list) == LS_ERR_INPUT && list == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "huge.xyz:1: 2000000000 atoms announced, but the rest of the file") != NULL,
                 "%s", ls_error_message());
    const char *vasp = write_file("POSCAR_huge", "Si\n1.0\n5 0 0\n0 5 0\n0 0 5\nSi\n99999999\nDirect\n0 0 0\n");
    LS_CHECK(ls_structures_read(vasp, LS_FORMAT_POSCAR, &list) == LS_ERR_INPUT && list == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "POSCAR_huge:8: 99999999 atoms") != NULL, "%s", ls_error_message());
    /* The same counts with the lines there read. */
    const char *ok = write_file("two.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nSi 0 0 0\nSi 1.3 1.3 1.3");
    LS_CHECK_OK(ls_structures_read(ok, LS_FORMAT_EXTXYZ, &list));
    LS_CHECK(list && list->n == 1 && list->items[0]->n_atom == 2);
    ls_structure_list_destroy(list);
}

static void test_find_duplicate(void)
{
    const char *names[] = {"b", "A", "c", "a", "b", "c"};
    int earlier = 0;
    LS_CHECK(ls_find_duplicate(names, 6, strcmp, &earlier) == 4 && earlier == 0);
    LS_CHECK(ls_find_duplicate(names, 4, strcasecmp, &earlier) == 3 && earlier == 1);
    LS_CHECK(ls_find_duplicate(names, 3, strcmp, &earlier) == -1 && earlier == -1);
    LS_CHECK(ls_find_duplicate(names, 0, strcmp, &earlier) == -1);
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_textio");
    LS_RUN(test_devices_refused);
    LS_RUN(test_long_line);
    LS_RUN(test_counts_beyond_the_file);
    LS_RUN(test_find_duplicate);
    return ls_test_summary("test_textio");
}
