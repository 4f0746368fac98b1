/* Fuzz harness: the CSV tables of `lodestone suggest` (pool and observations; ls_csv_parse), and
 * what suggest asks of every column of a pool: its kind (numeric or categorical, a mixed column
 * being an error: ls_csv_column_kind) and, for numeric ones, ls_csv_require_numeric.  See
 * fuzz/README.md. */
#include "common/csv.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *path = fuzz_path("pool.csv");
    fuzz_write(path, data, size, NULL, 0);
    ls_csv *t = NULL;
    int status = ls_csv_read(path, &t);
    fuzz_check_status(status, "ls_csv_read");
    for (int j = 0; status == LS_OK && j < t->n_col; j++) {
        int numeric = 0, col = -1;
        int s = ls_csv_column_kind(t, j, &numeric);
        fuzz_check_status(s, "ls_csv_column_kind");
        if (s == LS_OK && numeric) {
            s = ls_csv_require_numeric(t, t->names[j], &col);
            if (s != LS_OK || col != ls_csv_column(t, t->names[j])) {
                fprintf(stderr, "column %d: numeric by ls_csv_column_kind, not by ls_csv_require_numeric\n", j);
                abort();
            }
        }
        ls_error_clear();
    }
    ls_error_clear();
    ls_csv_destroy(t);
    return 0;
}
