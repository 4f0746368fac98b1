/* MPI wrappers; see parallel.h.  The only file with #ifdef LS_HAVE_MPI. */
#define _POSIX_C_SOURCE 200809L
#include "common/parallel.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

#ifdef LS_HAVE_MPI
#include <mpi.h>
#endif

struct ls_comm {
    int rank, size;
#ifdef LS_HAVE_MPI
    MPI_Comm comm; /* MPI_COMM_NULL when size is 1 without MPI running */
#endif
};

#ifdef LS_HAVE_MPI
static struct ls_comm world = {0, 1, MPI_COMM_NULL};
#else
static struct ls_comm world = {0, 1};
#endif
static int started = 0;
static int thread_multiple = 0; /* MPI_THREAD_MULTIPLE granted */
/* The communicator the engine works in: NULL for the whole job, or a task farm's group.  Set
 * by one thread and read by others (the log), hence atomic. */
static _Atomic(const ls_comm *) current = NULL;
static double comm_seconds = 0;     /* wall time inside collectives, waiting included */
static double comm_cpu_seconds = 0; /* CPU time of the calling thread inside them */

double ls_par_comm_seconds(void) { return comm_seconds; }
double ls_par_comm_cpu_seconds(void) { return comm_cpu_seconds; }

void ls_par_range(long n, int size, int rank, long *lo, long *hi)
{
    *lo = n * rank / size;
    *hi = n * (rank + 1) / size;
}

int ls_par_have_mpi(void)
{
#ifdef LS_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

void ls_par_library_version(char *built, size_t n_built, char *running, size_t n_running)
{
#ifdef LS_HAVE_MPI
#ifdef OMPI_MAJOR_VERSION
    snprintf(built, n_built, "MPI %d.%d, Open MPI %d.%d.%d", MPI_VERSION, MPI_SUBVERSION, OMPI_MAJOR_VERSION,
             OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION);
#else
    snprintf(built, n_built, "MPI %d.%d", MPI_VERSION, MPI_SUBVERSION);
#endif
    char lib[MPI_MAX_LIBRARY_VERSION_STRING] = "";
    int len = 0;
    MPI_Get_library_version(lib, &len); /* may be called before MPI_Init */
    char *eol = strpbrk(lib, ",\n");     /* "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4" */
    if (eol) *eol = '\0';
    snprintf(running, n_running, "%s", lib);
#else
    snprintf(built, n_built, "none (serial build; make MPI=1 for MPI)");
    if (n_running > 0) running[0] = '\0';
#endif
}

int ls_par_rank(void)
{
    const ls_comm *c = atomic_load(&current);
    return c ? c->rank : world.rank;
}
int ls_par_size(void)
{
    const ls_comm *c = atomic_load(&current);
    return c ? c->size : world.size;
}
const ls_comm *ls_comm_world(void)
{
    const ls_comm *c = atomic_load(&current);
    return c ? c : &world;
}
const ls_comm *ls_comm_universe(void) { return &world; }
void ls_par_set_world(const ls_comm *c) { atomic_store(&current, c == &world ? NULL : c); }
int ls_par_thread_multiple(void) { return thread_multiple; }
int ls_comm_rank(const ls_comm *c) { return c->rank; }
int ls_comm_size(const ls_comm *c) { return c->size; }

#ifdef LS_HAVE_MPI

int ls_par_init(int *argc, char ***argv, int want_multiple)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, want_multiple ? MPI_THREAD_MULTIPLE : MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        LS_ERROR(LS_ERR_LIBRARY, "MPI could not start (MPI_Init_thread failed)");
    started = 1;
    thread_multiple = provided >= MPI_THREAD_MULTIPLE;
    world.comm = MPI_COMM_WORLD;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    if (provided < MPI_THREAD_FUNNELED)
        LS_ERROR(LS_ERR_LIBRARY, "this MPI library does not support OpenMP threads next to MPI (MPI_THREAD_FUNNELED); "
                                 "use an MPI built with thread support (Debian's OpenMPI has it)");
    return LS_OK;
}

void ls_par_finalize(void)
{
    if (!started) return;
    MPI_Finalize();
    started = 0;
    world.comm = MPI_COMM_NULL;
    world.rank = 0;
    world.size = 1;
}

int ls_comm_split(const ls_comm *c, int color, int key, ls_comm **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    (*out)->rank = 0;
    (*out)->size = 1;
    (*out)->comm = MPI_COMM_NULL;
    if (c->comm == MPI_COMM_NULL) return LS_OK;
    MPI_Comm_split(c->comm, color, key, &(*out)->comm);
    MPI_Comm_rank((*out)->comm, &(*out)->rank);
    MPI_Comm_size((*out)->comm, &(*out)->size);
    return LS_OK;
}

void ls_comm_destroy(ls_comm *c)
{
    if (c == NULL || c == &world) return;
    if (c->comm != MPI_COMM_NULL && started) MPI_Comm_free(&c->comm);
    free(c);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#define TIMED(call)                                                                                                    \
    do {                                                                                                               \
        double t0_ = clock_s(CLOCK_MONOTONIC), c0_ = clock_s(CLOCK_THREAD_CPUTIME_ID);                                \
        call;                                                                                                          \
        comm_seconds += clock_s(CLOCK_MONOTONIC) - t0_;                                                                \
        comm_cpu_seconds += clock_s(CLOCK_THREAD_CPUTIME_ID) - c0_;                                                    \
    } while (0)

/* Chunks small enough for MPI's int counts. */
#define CHUNK ((size_t)1 << 28)

static void reduce_bcast(const ls_comm *c, void *x, size_t n, size_t elem, MPI_Datatype type, MPI_Op op)
{
    char *p = x;
    for (size_t done = 0; done < n; done += CHUNK) {
        int cnt = (int)(n - done < CHUNK ? n - done : CHUNK);
        void *at = p + done * elem;
        /* Reduce to rank 0 and broadcast: the same bits everywhere (see parallel.h). */
        TIMED(MPI_Reduce(c->rank == 0 ? MPI_IN_PLACE : at, at, cnt, type, op, 0, c->comm));
        TIMED(MPI_Bcast(at, cnt, type, 0, c->comm));
    }
}

static void allreduce(const ls_comm *c, void *x, size_t n, size_t elem, MPI_Datatype type, MPI_Op op)
{
    char *p = x;
    for (size_t done = 0; done < n; done += CHUNK) {
        int cnt = (int)(n - done < CHUNK ? n - done : CHUNK);
        TIMED(MPI_Allreduce(MPI_IN_PLACE, p + done * elem, cnt, type, op, c->comm));
    }
}

void ls_comm_sum_double(const ls_comm *c, double *x, size_t n)
{
    if (c->size > 1 && n > 0) reduce_bcast(c, x, n, sizeof *x, MPI_DOUBLE, MPI_SUM);
}

void ls_comm_sum_complex(const ls_comm *c, double complex *x, size_t n)
{
    /* A complex sum is the sum of the real and imaginary parts. */
    if (c->size > 1 && n > 0) reduce_bcast(c, x, 2 * n, sizeof(double), MPI_DOUBLE, MPI_SUM);
}

/* Integer reductions and maxima are exact: no need to go through rank 0. */
void ls_comm_sum_int(const ls_comm *c, int *x, size_t n)
{
    if (c->size > 1 && n > 0) allreduce(c, x, n, sizeof *x, MPI_INT, MPI_SUM);
}

void ls_comm_max_double(const ls_comm *c, double *x, size_t n)
{
    if (c->size > 1 && n > 0) allreduce(c, x, n, sizeof *x, MPI_DOUBLE, MPI_MAX);
}

void ls_comm_max_int(const ls_comm *c, int *x, size_t n)
{
    if (c->size > 1 && n > 0) allreduce(c, x, n, sizeof *x, MPI_INT, MPI_MAX);
}

void ls_comm_min_int(const ls_comm *c, int *x, size_t n)
{
    if (c->size > 1 && n > 0) allreduce(c, x, n, sizeof *x, MPI_INT, MPI_MIN);
}

void ls_comm_bcast(const ls_comm *c, void *buf, size_t bytes, int root)
{
    if (c->size == 1) return;
    char *p = buf;
    for (size_t done = 0; done < bytes; done += CHUNK) {
        int cnt = (int)(bytes - done < CHUNK ? bytes - done : CHUNK);
        TIMED(MPI_Bcast(p + done, cnt, MPI_BYTE, root, c->comm));
    }
}

void ls_comm_allgatherv(const ls_comm *c, void *buf, size_t unit_bytes, const int *first)
{
    if (c->size == 1 || unit_bytes == 0) return;
    int *cnt = malloc(2 * (size_t)c->size * sizeof *cnt);
    if (!cnt) {
        /* Without 16 bytes per rank the process is lost anyway; stop the job rather than let
         * the other ranks wait forever. */
        fprintf(stderr, "lodestone: out of memory in an MPI collective on rank %d\n", c->rank);
        MPI_Abort(MPI_COMM_WORLD, ls_status_exit_code(LS_ERR_NOMEM));
        return;
    }
    int *disp = cnt + c->size;
    for (int r = 0; r < c->size; r++) {
        cnt[r] = first[r + 1] - first[r];
        disp[r] = first[r];
    }
    /* One unit is one element of a contiguous type, so the counts stay small (a unit is one
     * wavefunction or one row of a matrix: far below 2^31 doubles). */
    MPI_Datatype unit;
    if (unit_bytes <= INT_MAX) MPI_Type_contiguous((int)unit_bytes, MPI_BYTE, &unit);
    else MPI_Type_contiguous((int)(unit_bytes / sizeof(double)), MPI_DOUBLE, &unit); /* whole doubles here */
    MPI_Type_commit(&unit);
    TIMED(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, cnt, disp, unit, c->comm));
    MPI_Type_free(&unit);
    free(cnt);
}

void ls_comm_barrier(const ls_comm *c)
{
    if (c->size > 1) TIMED(MPI_Barrier(c->comm));
}

int ls_comm_agree(const ls_comm *c, int status)
{
    if (c->size == 1) return status;
    int first = status != LS_OK ? c->rank : c->size;
    TIMED(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, c->comm));
    if (first == c->size) return LS_OK;
    struct {
        int code;
        char message[LS_ERROR_MESSAGE_MAX];
        char source[256];
    } rec;
    memset(&rec, 0, sizeof rec);
    if (c->rank == first) {
        rec.code = status;
        snprintf(rec.message, sizeof rec.message, "%s", ls_error_message());
        snprintf(rec.source, sizeof rec.source, "%s", ls_error_source());
    }
    MPI_Bcast(&rec, (int)sizeof rec, MPI_BYTE, first, c->comm);
    if (c->rank != first) {
        /* "file.c:123" back into file and line for the record. */
        char *colon = strrchr(rec.source, ':');
        int line = 0;
        if (colon) {
            line = atoi(colon + 1);
            *colon = '\0';
        }
        ls_error_set(rec.code, rec.source, line, "rank %d: %s", first, rec.message[0] ? rec.message : ls_status_name(rec.code));
    }
    return rec.code;
}

int ls_par_wait_all(double timeout_s)
{
    if (world.size == 1) return 1;
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    double t0 = MPI_Wtime();
    for (;;) {
        int done = 0;
        MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (done) return 1;
        if (timeout_s >= 0 && MPI_Wtime() - t0 > timeout_s) return 0; /* the caller aborts */
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

void ls_par_abort(int exit_code)
{
    if (started) MPI_Abort(MPI_COMM_WORLD, exit_code);
}

int ls_comm_send(const ls_comm *c, const void *buf, size_t bytes, int dest, int tag)
{
    if (c->comm == MPI_COMM_NULL || bytes > (size_t)INT_MAX)
        LS_ERROR(LS_ERR_INTERNAL, "message of %zu bytes to rank %d without MPI or too large", bytes, dest);
    MPI_Send(buf, (int)bytes, MPI_BYTE, dest, tag, c->comm);
    return LS_OK;
}

int ls_comm_recv(const ls_comm *c, void *buf, size_t cap, int source, int tag, double timeout_s,
                 struct ls_comm_message *m)
{
    memset(m, 0, sizeof *m);
    if (c->comm == MPI_COMM_NULL) LS_ERROR(LS_ERR_INTERNAL, "receive without MPI");
    double t0 = MPI_Wtime();
    long nap_ns = 100000; /* 0.1 ms, doubled while nothing comes, up to 10 ms */
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag, c->comm, &flag, &st);
        if (flag) {
            int n = 0;
            MPI_Get_count(&st, MPI_BYTE, &n);
            if ((size_t)n > cap) LS_ERROR(LS_ERR_INTERNAL, "message of %d bytes for a buffer of %zu", n, cap);
            /* The message probed, by source and tag: another thread receives other tags only. */
            MPI_Recv(buf, n, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, c->comm, MPI_STATUS_IGNORE);
            m->got = 1;
            m->source = st.MPI_SOURCE;
            m->tag = st.MPI_TAG;
            m->bytes = (size_t)n;
            return LS_OK;
        }
        if (timeout_s >= 0 && MPI_Wtime() - t0 >= timeout_s) return LS_OK;
        /* Poll without spinning: a waiting process leaves its core to the working ones (64
         * idle processes on 2 cores cost a few per cent of one). */
        struct timespec ts = {0, nap_ns};
        nanosleep(&ts, NULL);
        if (nap_ns < 10000000) nap_ns *= 2;
    }
}

#else /* one process */

int ls_par_init(int *argc, char ***argv, int want_multiple)
{
    (void)argc;
    (void)argv;
    (void)want_multiple;
    started = 1;
    return LS_OK;
}

void ls_par_finalize(void) { started = 0; }

int ls_comm_split(const ls_comm *c, int color, int key, ls_comm **out)
{
    (void)c;
    (void)color;
    (void)key;
    *out = calloc(1, sizeof **out);
    if (!*out) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    (*out)->rank = 0;
    (*out)->size = 1;
    return LS_OK;
}

void ls_comm_destroy(ls_comm *c)
{
    if (c != NULL && c != &world) free(c);
}

void ls_comm_sum_double(const ls_comm *c, double *x, size_t n) { (void)c, (void)x, (void)n; }
void ls_comm_sum_complex(const ls_comm *c, double complex *x, size_t n) { (void)c, (void)x, (void)n; }
void ls_comm_sum_int(const ls_comm *c, int *x, size_t n) { (void)c, (void)x, (void)n; }
void ls_comm_max_double(const ls_comm *c, double *x, size_t n) { (void)c, (void)x, (void)n; }
void ls_comm_max_int(const ls_comm *c, int *x, size_t n) { (void)c, (void)x, (void)n; }
void ls_comm_min_int(const ls_comm *c, int *x, size_t n) { (void)c, (void)x, (void)n; }
void ls_comm_bcast(const ls_comm *c, void *buf, size_t bytes, int root) { (void)c, (void)buf, (void)bytes, (void)root; }
void ls_comm_allgatherv(const ls_comm *c, void *buf, size_t unit_bytes, const int *first)
{
    (void)c, (void)buf, (void)unit_bytes, (void)first;
}
void ls_comm_barrier(const ls_comm *c) { (void)c; }
int ls_comm_agree(const ls_comm *c, int status)
{
    (void)c;
    return status;
}
int ls_par_wait_all(double timeout_s)
{
    (void)timeout_s;
    return 1;
}
void ls_par_abort(int exit_code) { (void)exit_code; }

int ls_comm_send(const ls_comm *c, const void *buf, size_t bytes, int dest, int tag)
{
    (void)c, (void)buf, (void)bytes, (void)tag;
    LS_ERROR(LS_ERR_UNSUPPORTED, "message to rank %d: this build has no MPI (make MPI=1)", dest);
}

int ls_comm_recv(const ls_comm *c, void *buf, size_t cap, int source, int tag, double timeout_s,
                 struct ls_comm_message *m)
{
    (void)c, (void)buf, (void)cap, (void)source, (void)tag, (void)timeout_s;
    memset(m, 0, sizeof *m);
    LS_ERROR(LS_ERR_UNSUPPORTED, "receive: this build has no MPI (make MPI=1)");
}

#endif
