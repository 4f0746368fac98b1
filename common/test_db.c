/* Tests of common/db.c (SQLite access) and common/sha256.c.
 * SHA-256 reference digests: FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values",
 * SHA256.pdf: "abc" and the 448-bit message) and the one-million-'a' vector of FIPS 180-2,
 * appendix B.3. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/db.h"
#include "common/err.h"
#include "common/sha256.h"
#include "common/test.h"

static char g_dir[1024];

static void test_sha256_vectors(void)
{
    char hex[65];
    ls_sha256_hex("abc", 3, hex);
    LS_CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    ls_sha256_hex("", 0, hex);
    LS_CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ls_sha256_hex(m448, strlen(m448), hex);
    LS_CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
    /* One million 'a' fed in uneven pieces (exercises the block buffering). */
    ls_sha256 c;
    ls_sha256_init(&c);
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    long left = 1000000;
    while (left > 0) {
        long n = left < (long)sizeof chunk ? left : (long)sizeof chunk;
        ls_sha256_update(&c, chunk, (size_t)n);
        left -= n;
    }
    unsigned char d[32];
    ls_sha256_final(&c, d);
    LS_CHECK(d[0] == 0xcd && d[1] == 0xc7 && d[2] == 0x6e && d[31] == 0xd0);
}

static void test_sha256_file(void)
{
    const char *path = ls_test_in_dir(g_dir, "abc.txt");
    FILE *f = fopen(path, "w");
    fputs("abc", f);
    fclose(f);
    char hex[65];
    LS_CHECK_OK(ls_sha256_file(path, hex));
    LS_CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    LS_CHECK(ls_sha256_file(ls_test_in_dir(g_dir, "absent"), hex) == LS_ERR_IO);
}

static int step0(ls_db *db)
{
    return ls_db_exec(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, x REAL)");
}

static int step1(ls_db *db)
{
    return ls_db_exec(db, "ALTER TABLE item ADD COLUMN note TEXT");
}

static const ls_db_migration_fn k_steps[] = {step0, step1};

static void test_db_roundtrip_and_migration(void)
{
    const char *path = ls_test_in_dir(g_dir, "a.db");
    remove(path);
    ls_db *db = NULL;
    LS_CHECK(ls_db_open(path, 0, &db) == LS_ERR_IO && db == NULL); /* no CREATE: absent file */
    LS_CHECK_OK(ls_db_open(path, LS_DB_CREATE, &db));
    LS_CHECK_OK(ls_db_migrate(db, 0x12345678, "test store", k_steps, 1)); /* version 1 only */
    LS_CHECK_OK(ls_db_begin(db));
    LS_CHECK_OK(ls_db_run(db, "INSERT INTO item (name, x) VALUES (?1, ?2)", "sd", "alpha", 2.385));
    long long id = ls_db_last_id(db);
    LS_CHECK_OK(ls_db_run(db, "INSERT INTO item (name, x) VALUES (?1, ?2)", "sn", "beta"));
    LS_CHECK_OK(ls_db_commit(db));
    /* A failing statement inside a transaction, rolled back: nothing of it stays. */
    LS_CHECK_OK(ls_db_begin(db));
    LS_CHECK_OK(ls_db_run(db, "INSERT INTO item (name, x) VALUES (?1, ?2)", "sd", "gamma", 1.0));
    int st = ls_db_run(db, "INSERT INTO item (name, x) VALUES (?1, ?2)", "sd", "alpha", 3.0);
    LS_CHECK(st == LS_ERR_LIBRARY && strstr(ls_error_message(), "a.db") && strstr(ls_error_message(), "INSERT INTO item"));
    ls_db_rollback(db);
    long long n = 0;
    LS_CHECK_OK(ls_db_get_int(db, &n, NULL, "SELECT count(*) FROM item", NULL));
    LS_CHECK(n == 2);
    double x = 0;
    int found = 0;
    LS_CHECK_OK(ls_db_get_double(db, &x, &found, "SELECT x FROM item WHERE id = ?1", "i", id));
    LS_CHECK(found && x == 2.385);
    LS_CHECK_OK(ls_db_get_double(db, &x, &found, "SELECT x FROM item WHERE name = 'beta'", NULL));
    LS_CHECK(!found); /* NULL value */
    ls_db_close(db);

    /* Reopen with the program's version 2: the migration adds the column, data kept. */
    LS_CHECK_OK(ls_db_open(path, 0, &db));
    LS_CHECK_OK(ls_db_migrate(db, 0x12345678, "test store", k_steps, 2));
    int version = 0, empty = 1;
    LS_CHECK_OK(ls_db_schema_version(db, &version, &empty));
    LS_CHECK(version == 2 && !empty);
    LS_CHECK_OK(ls_db_run(db, "UPDATE item SET note = ?1 WHERE name = ?2", "ss", "migrated", "alpha"));
    char buf[32] = "";
    LS_CHECK_OK(ls_db_get_text(db, buf, sizeof buf, NULL, "SELECT note FROM item WHERE id = ?1", "i", id));
    LS_CHECK(strcmp(buf, "migrated") == 0);
    ls_db_stmt *q = NULL;
    LS_CHECK_OK(ls_db_query(db, &q, "SELECT name FROM item ORDER BY name", NULL));
    int row = 0, k = 0;
    while (ls_db_next(q, &row) == LS_OK && row) {
        LS_CHECK(strcmp(ls_db_col_text(q, 0), k == 0 ? "alpha" : "beta") == 0);
        k++;
    }
    LS_CHECK(k == 2);
    ls_db_finalize(q);
    int exists = 0;
    LS_CHECK_OK(ls_db_has_table(db, "item", &exists));
    LS_CHECK(exists);
    ls_db_close(db);

    /* The program of version 1 refuses the newer database and leaves it as it was. */
    LS_CHECK_OK(ls_db_open(path, 0, &db));
    st = ls_db_migrate(db, 0x12345678, "test store", k_steps, 1);
    LS_CHECK(st == LS_ERR_INPUT && strstr(ls_error_message(), "newer"));
    LS_CHECK_OK(ls_db_schema_version(db, &version, &empty));
    LS_CHECK(version == 2);
    /* Another program's database (another application id) is refused. */
    st = ls_db_migrate(db, 0x0badf00d, "other store", k_steps, 2);
    LS_CHECK(st == LS_ERR_INPUT && strstr(ls_error_message(), "not a Lodestone other store"));
    ls_db_close(db);
}

static void test_db_bad_files(void)
{
    /* A text file is not a database: LS_ERR_INPUT, the file untouched. */
    const char *path = ls_test_in_dir(g_dir, "notes.txt");
    FILE *f = fopen(path, "w");
    fputs("these are my notes, not a database\n", f);
    fclose(f);
    ls_db *db = NULL;
    int st = ls_db_open(path, LS_DB_CREATE, &db);
    LS_CHECK(st == LS_ERR_INPUT && db == NULL && strstr(ls_error_message(), "notes.txt"));
    f = fopen(path, "r");
    char line[128] = "";
    LS_CHECK(f && fgets(line, sizeof line, f) && strstr(line, "my notes"));
    if (f) fclose(f);

    /* A read-only file: refused for writing (LS_ERR_IO), readable with LS_DB_READONLY.  In a
     * folder that 'nobody' can reach (the check below runs as nobody when the tests run as root). */
    char pub[64], ro[128];
    LS_CHECK(ls_test_public_dir(pub, sizeof pub) == 0);
    snprintf(ro, sizeof ro, "%s/ro.db", pub);
    LS_CHECK_OK(ls_db_open(ro, LS_DB_CREATE, &db));
    LS_CHECK_OK(ls_db_migrate(db, 0x12345678, "test store", k_steps, 2));
    ls_db_close(db);
    chmod(ro, 0444);
    /* As root, permissions do not stop writes: the check runs in a child that has dropped
     * to the unprivileged user 'nobody' (CI runs as root). */
    pid_t pid = geteuid() == 0 ? fork() : 0;
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(2);
        ls_db *w = NULL;
        int s2 = ls_db_open(ro, 0, &w);
        int ok = s2 == LS_ERR_IO && w == NULL && strstr(ls_error_message(), "read-only");
        if (getppid() != 0 && geteuid() == 65534) _exit(ok ? 0 : 1);
        LS_CHECK(ok);
    } else {
        int wst = 0;
        waitpid(pid, &wst, 0);
        LS_CHECK_MSG(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "read-only open as nobody: exit %d", WEXITSTATUS(wst));
    }
    LS_CHECK_OK(ls_db_open(ro, LS_DB_READONLY, &db));
    LS_CHECK_OK(ls_db_check_schema(db, 0x12345678, "test store", 2));
    LS_CHECK(ls_db_run(db, "INSERT INTO item (name) VALUES ('x')", NULL) == LS_ERR_IO);
    ls_db_close(db);
    chmod(ro, 0644);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pub);
    LS_CHECK(system(cmd) == 0);
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_db");
    LS_RUN(test_sha256_vectors);
    LS_RUN(test_sha256_file);
    LS_RUN(test_db_roundtrip_and_migration);
    LS_RUN(test_db_bad_files);
    return ls_test_summary("test_db");
}
