/* SHA-256 (FIPS 180-4): the content hashes of the campaign store (candidate and evaluation
 * input hashes, pseudopotential fingerprints in the provenance of every result).
 *
 * Why our own: one hash function of about 100 lines, checked against the FIPS 180-4 / NIST
 * test vectors (common/test_sha256.c), does not justify a dependency on a cryptography
 * library; these hashes identify inputs, they protect nothing.
 */
#ifndef LS_SHA256_H
#define LS_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct ls_sha256 {
    uint32_t h[8];
    uint64_t n_bytes;
    unsigned char block[64];
    size_t n_block;
} ls_sha256;

void ls_sha256_init(ls_sha256 *c);
void ls_sha256_update(ls_sha256 *c, const void *data, size_t n);
void ls_sha256_final(ls_sha256 *c, unsigned char digest[32]);
/* Lower-case hex digest of n bytes (hex: 65 characters with the terminating 0). */
void ls_sha256_hex(const void *data, size_t n, char hex[65]);
/* Of a whole file: LS_ERR_IO naming the file if it cannot be read. */
int ls_sha256_file(const char *path, char hex[65]);

#endif
