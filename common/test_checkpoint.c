/* Checkpoint files: round trip, replacement, missing and mistyped records, and corrupt files
 * (truncated, flipped byte, wrong magic) reported as such. */
#include <stdio.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/test.h"
#include "common/textio.h"

static void test_round_trip(void)
{
    char path[512];
    ls_test_tmp_path(path, sizeof path, "ckpt_round_trip.ckpt");
    ls_ckpt *c = NULL;
    LS_CHECK(ls_ckpt_create(&c) == LS_OK);
    double v[3] = {1.5, -2.25e-300, 3.0};
    int64_t iv[2] = {-7, 1LL << 40};
    LS_CHECK(ls_ckpt_put_doubles(c, "x", v, 3) == LS_OK);
    LS_CHECK(ls_ckpt_put_ints(c, "i", iv, 2) == LS_OK);
    LS_CHECK(ls_ckpt_put_string(c, "kind", "eos") == LS_OK);
    LS_CHECK(ls_ckpt_put_double(c, "e", 4.0) == LS_OK);
    LS_CHECK(ls_ckpt_put_double(c, "e", 5.0) == LS_OK); /* replaces */
    LS_CHECK(ls_ckpt_put_doubles(c, "empty", NULL, 0) == LS_OK);
    LS_CHECK(ls_ckpt_write(c, path) == LS_OK);
    ls_ckpt_destroy(c);

    c = NULL;
    LS_CHECK(ls_ckpt_read(path, &c) == LS_OK);
    if (c == NULL) return;
    const double *x;
    size_t n;
    LS_CHECK(ls_ckpt_get_doubles(c, "x", &x, &n) == LS_OK && n == 3 && x[0] == 1.5 && x[1] == -2.25e-300);
    const int64_t *ip;
    LS_CHECK(ls_ckpt_get_ints(c, "i", &ip, &n) == LS_OK && n == 2 && ip[0] == -7 && ip[1] == (1LL << 40));
    const char *s;
    LS_CHECK(ls_ckpt_get_string(c, "kind", &s) == LS_OK && strcmp(s, "eos") == 0);
    double e;
    LS_CHECK(ls_ckpt_get_double(c, "e", &e) == LS_OK && e == 5.0);
    LS_CHECK(ls_ckpt_get_doubles(c, "empty", &x, &n) == LS_OK && n == 0);
    LS_CHECK(ls_ckpt_has(c, "x") && !ls_ckpt_has(c, "y"));
    LS_CHECK(ls_ckpt_get_doubles(c, "y", &x, &n) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "no record 'y'") != NULL);
    LS_CHECK(ls_ckpt_get_string(c, "x", &s) == LS_ERR_INPUT); /* wrong type */
    int64_t k;
    LS_CHECK(ls_ckpt_get_int(c, "i", &k) == LS_ERR_INPUT); /* two elements */
    ls_ckpt_destroy(c);
}

/* Damage the file in several ways: each is a corrupt checkpoint naming the file. */
static void test_corrupt(void)
{
    char path[512], bad[512];
    ls_test_tmp_path(path, sizeof path, "ckpt_good.ckpt");
    ls_test_tmp_path(bad, sizeof bad, "ckpt_bad.ckpt");
    ls_ckpt *c = NULL;
    LS_CHECK(ls_ckpt_create(&c) == LS_OK);
    double v[64];
    for (int i = 0; i < 64; i++) v[i] = i * 0.5;
    LS_CHECK(ls_ckpt_put_doubles(c, "rho", v, 64) == LS_OK);
    LS_CHECK(ls_ckpt_write(c, path) == LS_OK);
    ls_ckpt_destroy(c);
    char *text = NULL;
    size_t len = 0;
    LS_CHECK(ls_file_read_all(path, &text, &len) == LS_OK);
    if (text == NULL) return;
    size_t cuts[] = {0, 5, 20, len / 2, len - 1};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        LS_CHECK(ls_file_write_atomic(bad, text, cuts[k]) == LS_OK);
        c = NULL;
        LS_CHECK_MSG(ls_ckpt_read(bad, &c) == LS_ERR_INPUT && c == NULL, "truncated at %zu", cuts[k]);
        LS_CHECK(strstr(ls_error_message(), "ckpt_bad.ckpt: corrupt checkpoint") != NULL);
    }
    text[len / 2] ^= 0x10;
    LS_CHECK(ls_file_write_atomic(bad, text, len) == LS_OK);
    LS_CHECK(ls_ckpt_read(bad, &c) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "checksum") != NULL);
    free(text);
    LS_CHECK(ls_ckpt_read("build/tmp/no-such-checkpoint", &c) == LS_ERR_IO);
}

/* A record name twice in a file (with a valid checksum) is a corrupt checkpoint: no writer makes one,
 * and one of the two would be unreachable. */
static void test_duplicate_record(void)
{
    char path[1024];
    ls_test_tmp_path(path, sizeof path, "test_checkpoint_dup.ckpt");
    /* Written by hand in the documented layout: magic, 2 records "a" (int 1), checksum. */
    unsigned char buf[128], *p = buf;
    memcpy(p, "LSCKPT01", 8);
    p += 8;
    uint32_t n_rec = 2, len = 1, type = 2;
    uint64_t count = 1;
    int64_t v = 7;
    memcpy(p, &n_rec, 4);
    p += 4;
    for (int i = 0; i < 2; i++) {
        memcpy(p, &len, 4);
        p += 4;
        *p++ = 'a';
        memcpy(p, &type, 4);
        p += 4;
        memcpy(p, &count, 8);
        p += 8;
        memcpy(p, &v, 8);
        p += 8;
    }
    uint64_t h = ls_fnv1a(LS_FNV1A_SEED, buf, (size_t)(p - buf));
    memcpy(p, &h, 8);
    p += 8;
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) return;
    fwrite(buf, 1, (size_t)(p - buf), fp);
    fclose(fp);
    ls_ckpt *c = NULL;
    LS_CHECK(ls_ckpt_read(path, &c) == LS_ERR_INPUT && c == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "corrupt checkpoint (the record 'a' appears twice)") != NULL, "%s",
                 ls_error_message());
}

int main(void)
{
    LS_RUN(test_round_trip);
    LS_RUN(test_corrupt);
    LS_RUN(test_duplicate_record);
    return ls_test_summary("test_checkpoint");
}
