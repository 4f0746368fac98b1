/* Shared by the fuzz harnesses (fuzz/fuzz_*.c, see fuzz/README.md).
 *
 * Every parser of Lodestone reads a path, so a harness writes the fuzzer's bytes to a scratch
 * file of its own (under $TMPDIR, /dev/shm when it exists) and calls the real entry point on it.
 * A harness fails (abort) only when a parser breaks its contract: a status other than LS_OK /
 * LS_ERR_INPUT / LS_ERR_IO / LS_ERR_UNSUPPORTED, or an error without a message; the sanitizers
 * (ASan, UBSan) report the rest.
 */
#ifndef LS_FUZZ_H
#define LS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"

/* The scratch folder: $LODESTONE_FUZZ_TMP, /dev/shm, $TMPDIR or /tmp. */
static inline const char *fuzz_tmp_dir(void)
{
    const char *d = getenv("LODESTONE_FUZZ_TMP");
    if (d && *d) return d;
    if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
    d = getenv("TMPDIR");
    return d && *d ? d : "/tmp";
}

/* DIR/lsfuzz.PID.NAME (NAME carries the extension the parser looks at) into a static buffer. */
static inline const char *fuzz_path(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/lsfuzz.%ld.%s", fuzz_tmp_dir(), (long)getpid(), name);
    return buf[k];
}

/* Write size bytes (and, if tail != NULL, tail_size more) to path; abort if that fails. */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size, const void *tail, size_t tail_size)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) {
        perror(path);
        abort();
    }
    if ((size && fwrite(data, 1, size, fp) != size) || (tail_size && fwrite(tail, 1, tail_size, fp) != tail_size)) {
        perror(path);
        abort();
    }
    if (fclose(fp) != 0) abort();
}

/* The fuzzer's bytes as a checkpoint body: with the FNV-1a checksum the format ends with, so
 * that mutations reach the records' readers instead of stopping at the checksum (the sweep of
 * issue 12 found its checkpoint bugs with hand-made files of valid checksum). */
static inline void fuzz_write_checkpoint(const char *path, const uint8_t *data, size_t size)
{
    uint64_t h = ls_fnv1a(LS_FNV1A_SEED, data, size);
    fuzz_write(path, data, size, &h, sizeof h);
}

/* The status contract of a parser: abort on anything but success or a reported input error. */
static inline void fuzz_check_status(int status, const char *what)
{
    if (status == LS_OK) return;
    if (status == LS_ERR_INPUT || status == LS_ERR_IO || status == LS_ERR_UNSUPPORTED) {
        if (ls_error_message()[0] == '\0') {
            fprintf(stderr, "%s: status %d without a message\n", what, status);
            abort();
        }
        return;
    }
    fprintf(stderr, "%s: unexpected status %d (%s): %s [%s]\n", what, status, ls_status_name(status),
            ls_error_message(), ls_error_source());
    abort();
}

/* Once per process: no log output (the harnesses run millions of inputs). */
static inline void fuzz_quiet(void)
{
    static int done;
    if (done) return;
    done = 1;
    ls_log_set_level(LS_LOG_QUIET);
}

#endif
