/* Fuzz harness: GTH pseudopotentials in CP2K's GTH_POTENTIALS format (dft_pseudo_read with
 * FILE:ELEMENT:NAME).  The entry looked up is the one the first line that is not a comment names
 * ("Si GTH-PBE-q4"), so that mutations of the name keep the lookup working; then the form factors
 * (fuzz/fuzz_pseudo.h).  See fuzz/README.md. */
#include <ctype.h>

#include "fuzz/fuzz_pseudo.h"

/* ELEMENT and NAME: the first two words of the first line that is neither blank nor a comment. */
static void first_entry(const uint8_t *data, size_t size, char element[8], char name[128])
{
    size_t i = 0;
    element[0] = name[0] = '\0';
    while (i < size) {
        size_t end = i;
        while (end < size && data[end] != '\n') end++;
        size_t k = i;
        while (k < end && isspace(data[k])) k++;
        if (k < end && data[k] != '#') {
            size_t n = 0;
            while (k < end && !isspace(data[k]) && n + 1 < 8) element[n++] = (char)data[k++];
            element[n] = '\0';
            while (k < end && !isspace(data[k])) k++;
            while (k < end && isspace(data[k])) k++;
            n = 0;
            while (k < end && !isspace(data[k]) && data[k] != ':' && n + 1 < 128) name[n++] = (char)data[k++];
            name[n] = '\0';
            return;
        }
        i = end + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *path = fuzz_path("GTH_POTENTIALS");
    fuzz_write(path, data, size, NULL, 0);
    char element[8], name[128], spec[1024];
    first_entry(data, size, element, name);
    for (char *c = element; *c; c++)
        if (*c == ':') *c = '_';
    snprintf(spec, sizeof spec, "%s:%s:%s", path, element[0] ? element : "Si", name[0] ? name : "GTH-PBE-q4");
    dft_pseudo *ps = NULL;
    int status = dft_pseudo_read(spec, &ps);
    fuzz_check_status(status, "dft_pseudo_read");
    if (status == LS_OK) fuzz_pseudo_use(ps);
    ls_error_clear();
    dft_pseudo_destroy(ps);
    return 0;
}
